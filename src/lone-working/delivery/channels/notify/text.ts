// What a text or an email finally says (pure): the ladder's words (escalation's textFor, no
// patient data, no address), then the acknowledgement code, the link, and the number of this
// text to this phone, so that two texts in a row never carry identical content (mobile
// networks drop a repeated identical message).

export function composeText(m: { body: string; ackCode: string | null; url: string; seq: number }): string {
  const ack = m.ackCode ? ` Reply ACK ${m.ackCode} to acknowledge.` : "";
  return `${m.body}${ack} ${m.url} (text ${m.seq})`;
}

export function composeEmail(m: { title: string; body: string; url: string; seq: number }): { subject: string; body: string } {
  return { subject: m.title, body: `${m.body}\n\nOpen Dutyline: ${m.url}\n\n(Dutyline message ${m.seq})` };
}

/** The test text or email a person sends themselves from their page. */
export function testMessage(seq: number, url: string): { subject: string; body: string } {
  return {
    subject: "Dutyline test message",
    body: `Dutyline test: if you can read this, lone-working alerts can reach you here. No reply needed. ${url} (text ${seq})`,
  };
}

/**
 * A reply that acknowledges: `ACK 4821`, any case, spaces anywhere around or between (phones
 * add them, people type them). Null when the text is anything else.
 */
export function ackCodeIn(message: string): string | null {
  const m = /^\s*ack\s*(\d{4})\s*[.!]?\s*$/i.exec(message.normalize("NFKC"));
  return m ? m[1]! : null;
}
