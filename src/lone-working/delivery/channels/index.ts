// Every channel delivery can send by, chosen per notification row by its `channel` column.
import type { Channel } from "./channel.js";
import { pushChannel } from "./push/index.js";

export type { Channel, ChannelResult, OutgoingMessage } from "./channel.js";

export const CHANNELS: readonly Channel[] = [pushChannel];

export function channelNamed(name: string): Channel | undefined {
  return CHANNELS.find((c) => c.name === name);
}
