/**
 * Guards around node-zookeeper-client 1.1.3's socket handler.
 *
 * The library parses responses inside the socket's 'data' handler and recurses once per packet
 * in a buffer (a large burst of replies can overflow the stack), and a parse error or a throwing
 * callback there escapes as an uncaught exception (its issues #23, #39, #89). We turn the recursion
 * into a loop and any throw into a dropped connection: the library then reconnects on its own, and
 * the watch layer resyncs. Nothing thrown there may take the process down.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface ConnectionManagerLike {
  onSocketData(this: ConnectionManagerLike, buffer: Buffer): void;
  pendingBuffer: Buffer | null;
  socket?: { destroy(): void };
  __zkpulseInData?: boolean;
  __zkpulseMore?: boolean;
  __zkpulseOnError?: (err: unknown) => void;
}

let installed = false;

/** Install the guard once per process. `onError` hooks are per connection manager. */
export function hardenZooKeeperClient(): void {
  if (installed) return;
  installed = true;
  const ConnectionManager = require('node-zookeeper-client/lib/ConnectionManager.js') as {
    prototype: ConnectionManagerLike;
  };
  const original = ConnectionManager.prototype.onSocketData;
  ConnectionManager.prototype.onSocketData = function guarded(this: ConnectionManagerLike, buffer: Buffer) {
    if (this.__zkpulseInData) {
      // the library's own recursive call for the next packet: let the loop below take it
      this.__zkpulseMore = true;
      return;
    }
    this.__zkpulseInData = true;
    try {
      original.call(this, buffer);
      while (this.__zkpulseMore) {
        this.__zkpulseMore = false;
        original.call(this, Buffer.alloc(0));
      }
    } catch (err) {
      this.__zkpulseMore = false;
      this.pendingBuffer = null;
      try {
        this.__zkpulseOnError?.(err);
      } catch {
        // a reporting hook must not throw either
      }
      this.socket?.destroy();
    } finally {
      this.__zkpulseInData = false;
    }
  };
}

/** Register a callback for errors caught in one client's socket handler. */
export function onClientSocketError(client: unknown, hook: (err: unknown) => void): void {
  const cm = (client as { connectionManager?: ConnectionManagerLike }).connectionManager;
  if (cm) cm.__zkpulseOnError = hook;
}
