import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Java client floor for the sync benchmark: after the session is connected, getChildren(R/workers)
 * with a watch, then an async getData with a watch of every child, all issued at once, counted down
 * by the callbacks. Prints one JSON line; times exclude JVM start and session connect.
 * Usage: java SyncBaseline connectString root expectedWorkers
 */
public final class SyncBaseline {
    public static void main(String[] args) throws Exception {
        String connectString = args[0];
        String parent = args[1] + "/workers";
        int expected = Integer.parseInt(args[2]);

        // CPU of the whole JVM (client threads, JIT, GC) over the timed window, as the node tools' cpuMs;
        // the bean is created before the clock starts, so that its class loading is not timed
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long startedAt = System.nanoTime();
        CountDownLatch connected = new CountDownLatch(1);
        Watcher watcher = event -> {
            if (event.getType() == Watcher.Event.EventType.None
                    && event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        };
        ZooKeeper zk = new ZooKeeper(connectString, 10_000, watcher);
        if (!connected.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("no session");
        long connectedAt = System.nanoTime();
        long cpuAtConnect = os.getProcessCpuTime();

        List<String> children = zk.getChildren(parent, true);
        if (children.size() < expected) {
            throw new IllegalStateException(children.size() + " children, expected " + expected);
        }
        CountDownLatch replies = new CountDownLatch(children.size());
        AtomicInteger errors = new AtomicInteger();
        for (String name : children) {
            zk.getData(parent + "/" + name, true, (rc, path, ctx, data, stat) -> {
                if (rc != 0) errors.incrementAndGet();
                replies.countDown();
            }, null);
        }
        if (!replies.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("replies missing");
        long doneAt = System.nanoTime();
        long cpuNs = os.getProcessCpuTime() - cpuAtConnect;
        if (errors.get() > 0) throw new IllegalStateException(errors.get() + " getData errors");

        System.out.printf("{\"connectMs\":%.3f,\"afterConnectMs\":%.3f,\"cpuMs\":%.3f,\"children\":%d}%n",
                (connectedAt - startedAt) / 1e6, (doneAt - connectedAt) / 1e6, cpuNs / 1e6, children.size());
        zk.close();
    }
}
