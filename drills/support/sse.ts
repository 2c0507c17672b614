/** Reads the collector's `GET /api/events` stream into a list of domain events (type + data). */
export interface SeenEvent {
  type: string;
  data: Record<string, unknown>;
  at: number;
}

export interface EventStream {
  events: SeenEvent[];
  close(): void;
}

export async function readEvents(baseUrl: string): Promise<EventStream> {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/events`, { signal: controller.signal });
  if (!res.ok || !res.body) throw new Error(`GET /api/events: ${res.status}`);
  const events: SeenEvent[] = [];
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type && data) events.push({ type, data: JSON.parse(data) as Record<string, unknown>, at: Date.now() });
        }
      }
    } catch {
      // aborted or the collector went away: the list keeps what arrived
    }
  })();
  return { events, close: () => controller.abort() };
}
