import { createHash, randomBytes } from "node:crypto";

/** A secret for a cookie, bearer token or calendar URL: 256 random bits. */
export const newSecret = () => randomBytes(32).toString("base64url");

/** Only this digest is stored, so a copy of the database opens no sessions. */
export const digest = (secret: string) => createHash("sha256").update(secret).digest("hex");
