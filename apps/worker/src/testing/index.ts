// Local HTTP servers that stand in for the worker's downstreams in tests and benchmarks.
export { FakeOpenAiServer, fakeAnswers, FAKE_USAGE, type FakeAiBehaviour } from "./fake-openai-server.js";
export { FakeHubSpotServer } from "./fake-hubspot-server.js";
export { FakeSlackWebhook } from "./fake-slack-webhook.js";
export { WebhookReceiver, type Delivery } from "./webhook-receiver.js";
export { HttpFake, type FakeRequest } from "./http-fake.js";
export { FakeMetaGraph, type GraphFailure } from "./fake-meta-graph.js";
export { FakeZendesk, FakeGitHub, FakeSlackApi, type WriteFault } from "./fake-saas.js";
export { FakeSmtpServer, type ReceivedMail } from "./fake-smtp-server.js";
