import { EventEmitter } from "node:events";

/** A change the live board should see (alert raised/acknowledged, visit started...). */
export interface LiveEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * In-process fan-out for server-sent events. Only a hint to refresh: the board
 * re-reads state from the database, so a lost event costs a refresh, not data.
 */
export class EventBus {
  private emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  publish(event: LiveEvent): void {
    this.emitter.emit("event", event);
  }
  subscribe(fn: (e: LiveEvent) => void): () => void {
    this.emitter.on("event", fn);
    return () => this.emitter.off("event", fn);
  }
}
