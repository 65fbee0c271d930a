// Every channel delivery can send by, chosen per notification row by its `channel` column.
import type { Channel } from "./channel.js";
import { pushChannel } from "./push/index.js";

export type { Channel, ChannelResult, OutgoingMessage } from "./channel.js";

const channels: Channel[] = [pushChannel];

/** The channels in force (push first). */
export const CHANNELS: readonly Channel[] = channels;

export function channelNamed(name: string): Channel | undefined {
  return channels.find((c) => c.name === name);
}

/**
 * Add a channel (a test's fake; or one set up at start-up from its configuration). Its name
 * must be new. Returns a function that takes it out again.
 */
export function registerChannel(channel: Channel): () => void {
  if (channelNamed(channel.name)) throw new Error(`a channel named ${channel.name} is already registered`);
  channels.push(channel);
  return () => {
    const i = channels.indexOf(channel);
    if (i >= 0) channels.splice(i, 1);
  };
}
