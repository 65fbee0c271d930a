import pino, { type Logger } from "pino";

/** Structured logs. Secrets never reach a line: these paths are censored wherever they appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        "password",
        "*.password",
        "token",
        "*.token",
        "pin",
        "*.pin",
        "cookie",
        "*.cookie",
        "authorization",
        "*.authorization",
        "headers.cookie",
        "headers.authorization",
        "riskNotes",
        "*.riskNotes",
        "cause",
        "*.cause",
        "reason",
        "*.reason",
      ],
      censor: "[redacted]",
    },
  });
}
