import { createHash } from "node:crypto";
import { Prisma, type Sql } from "@aiops/shared";
import type { AiAnswer } from "./provider.js";

export interface CachedAnswer {
  output: unknown;
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

/** Answers to identical questions, in Postgres so the whole fleet shares them. */
export class AiCache {
  /** The hot-path client (`Database.sql`): two of these per AI step. */
  constructor(private readonly sql: Sql) {}

  /**
   * The key: a hash of provider, model, prompt version, the prompt's text and the input; any
   * change asks again, even a prompt file edited without a new version.
   */
  key(provider: string, model: string, prompt: { version: string; text: string }, input: unknown): string {
    return createHash("sha256")
      .update(JSON.stringify([provider, model, prompt.version, prompt.text, input]))
      .digest("hex");
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    const rows = await this.sql.query<CachedAnswer>(
      Prisma.sql`SELECT output, provider, model, prompt_tokens AS "promptTokens", completion_tokens AS "completionTokens"
       FROM ai_cache WHERE key = ${key}`,
    );
    return rows[0];
  }

  async set(key: string, answer: AiAnswer<unknown>): Promise<void> {
    await this.sql.execute(
      Prisma.sql`INSERT INTO ai_cache (key, provider, model, output, prompt_tokens, completion_tokens, created_at)
       VALUES (${key}, ${answer.provider}, ${answer.model}, ${JSON.stringify(answer.output)}::jsonb, ${answer.promptTokens},
               ${answer.completionTokens}, (now() AT TIME ZONE 'UTC'))
       ON CONFLICT (key) DO NOTHING`,
    );
  }
}
