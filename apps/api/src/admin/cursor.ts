import { AppError } from "@aiops/shared";

/** A position in the newest-first list: the last row's (receivedAt, id), opaque to callers. */
export interface Cursor {
  receivedAt: Date;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.receivedAt.toISOString(), cursor.id])).toString("base64url");
}

export function decodeCursor(text: string): Cursor {
  try {
    const [receivedAt, id] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown[];
    const date = new Date(String(receivedAt));
    if (typeof id === "string" && !Number.isNaN(date.getTime())) return { receivedAt: date, id };
  } catch {
    // Falls through to the one error below.
  }
  throw new AppError("invalid_request", "the cursor is not one this API returned");
}
