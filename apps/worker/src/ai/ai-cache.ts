import { createHash } from "node:crypto";
import type { Prisma, PrismaClient } from "@aiops/shared";
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
  constructor(private readonly db: PrismaClient) {}

  /** The key: a hash of provider, model, prompt version and input; any change asks again. */
  key(provider: string, model: string, promptVersion: string, input: unknown): string {
    return createHash("sha256").update(JSON.stringify([provider, model, promptVersion, input])).digest("hex");
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    return (await this.db.aiCacheEntry.findUnique({ where: { key } })) ?? undefined;
  }

  async set(key: string, answer: AiAnswer<unknown>): Promise<void> {
    await this.db.aiCacheEntry.createMany({
      data: [
        {
          key,
          provider: answer.provider,
          model: answer.model,
          output: answer.output as Prisma.InputJsonValue,
          promptTokens: answer.promptTokens,
          completionTokens: answer.completionTokens,
        },
      ],
      skipDuplicates: true,
    });
  }
}
