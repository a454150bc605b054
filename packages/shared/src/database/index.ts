export type {
  Activity,
  AiCacheEntry,
  Contact,
  Draft,
  ErasureAudit,
  EventLabel,
  Payment,
  StepResult,
  Ticket,
  WebhookEvent,
} from "../generated/prisma/client.js";
export { Prisma, PrismaClient } from "../generated/prisma/client.js";
export { EventStatus, StepStatus } from "../generated/prisma/enums.js";
export {
  createDatabase,
  type Database,
  type DatabaseOptions,
  ensureDatabaseExists,
  isUniqueViolation,
} from "./database.js";
export { batchClient, GroupCommit, type GroupCommitOptions } from "./group-commit.js";
export type { Sql, Statement } from "./sql.js";
