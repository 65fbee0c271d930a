import pino, { type Logger } from "pino";

/** Structured logs. Secrets never reach a line: these paths are censored wherever they appear. */
export function createLogger(level: string, destination?: number | NodeJS.WritableStream): Logger {
  const dest = typeof destination === "number" ? pino.destination({ dest: destination, sync: true }) : destination;
  const options: pino.LoggerOptions = {
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
  };
  return dest ? pino(options, dest) : pino(options);
}
