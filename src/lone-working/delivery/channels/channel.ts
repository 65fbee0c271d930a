// A way to reach a person. Escalation decides who is told at which step and queues a
// notifications row per person per channel; delivery claims the rows, picks each row's
// channel by its `channel` column, and hands the channel a batch to send.
//
// Adding a channel (text messages and email through GOV.UK Notify, say): implement this
// interface in channels/<name>/ (its own tables in its own schema and store), add it to
// CHANNELS in channels/index.ts, and queue rows with `channel: "<name>"`. Claims, the
// send-once guarantee, the time limit, result recording and retries are delivery's and
// come for free.
import type { ReadHandle } from "../store.js";
import type { Deps } from "../../../deps.js";
import type { NotificationRow, SendStatus } from "../types.js";

/** One claimed notification row handed to a channel. */
export interface OutgoingMessage {
  n: NotificationRow;
  /** Where the message should take its reader: the worker to their visit, others to the alert. */
  url: string;
  visitId: string | null;
  /** The row is to the alert's own worker (a text to them carries no acknowledgement code). */
  toWorker: boolean;
  /**
   * Ask before the first request and before each retry: false means stop (the alert was
   * acknowledged meanwhile, or this process's claim was taken back). Cheap: one indexed read.
   */
  stillWanted: () => boolean;
}

/** What one row's send came to. */
export interface ChannelResult {
  id: string;
  status: SendStatus;
}

export interface Channel {
  /** The value of notifications.channel this channel sends ("push"). */
  readonly name: string;
  /**
   * Of these people, who this channel can reach now (a push subscription that has not
   * failed for good; a text channel: a mobile number not marked bad). Read inside the
   * caller's transaction (or on a connection), synchronously: only delivery's store calls
   * it, and the channel answers through its own store.
   */
  reaches(db: ReadHandle, staffIds: readonly string[]): Set<string>;
  /**
   * Send a batch of claimed rows. Call `done` once per row as each result is known (it
   * is recorded at once, not when the whole batch is over). A row left without a result
   * when the returned promise settles, or when delivery's time limit passes, counts as
   * failed; a result reported after that is ignored. Throwing fails every row without one.
   */
  send(deps: Deps, batch: OutgoingMessage[], done: (r: ChannelResult) => void): Promise<void>;
  /**
   * How many rows it can take now and start within its time limit (a channel that paces
   * itself under a rate limit); unset: any number. Claims take no more; the rest wait.
   */
  capacity?(): number;
  /** How long delivery waits for its results before counting the rest as failed (default SEND_TIMEOUT_MS). */
  readonly timeLimitMs?: number;
}
