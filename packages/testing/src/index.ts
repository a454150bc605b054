// Test support for the suites and benchmarks, never part of a runtime build.
export { TEST_ADMIN_TOKEN, TEST_SECRETS, testConfig, testEnv, uniquePrefix } from "./env.js";
export { TestEventsQueue } from "./events-queue.js";
export { FakeHubSpotServer } from "./fakes/fake-hubspot-server.js";
export { FakeMetaGraph, type GraphFailure } from "./fakes/fake-meta-graph.js";
export { FAKE_USAGE, type FakeAiBehaviour, FakeOpenAiServer, fakeAnswers } from "./fakes/fake-openai-server.js";
export { FakeGitHub, FakeSlackApi, FakeZendesk, type WriteFault } from "./fakes/fake-saas.js";
export { FakeSlackWebhook } from "./fakes/fake-slack-webhook.js";
export { FakeSmtpServer, type ReceivedMail } from "./fakes/fake-smtp-server.js";
export { type FakeRequest, HttpFake } from "./fakes/http-fake.js";
export { type Delivery, WebhookReceiver } from "./fakes/webhook-receiver.js";
export { freePort } from "./free-port.js";
export { freshDatabase, migrateDatabase } from "./fresh-database.js";
export { nextSeq, postSample, sampleEvent } from "./samples.js";
export { type Exit, type Service, ServiceProcess } from "./service-process.js";
export { waitFor } from "./wait-for.js";
