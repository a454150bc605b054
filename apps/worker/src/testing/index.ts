// Local HTTP servers that stand in for the worker's downstreams in tests and benchmarks.

export { FakeHubSpotServer } from "./fake-hubspot-server.js";
export { FakeMetaGraph, type GraphFailure } from "./fake-meta-graph.js";
export { FAKE_USAGE, type FakeAiBehaviour, FakeOpenAiServer, fakeAnswers } from "./fake-openai-server.js";
export { FakeGitHub, FakeSlackApi, FakeZendesk, type WriteFault } from "./fake-saas.js";
export { FakeSlackWebhook } from "./fake-slack-webhook.js";
export { FakeSmtpServer, type ReceivedMail } from "./fake-smtp-server.js";
export { type FakeRequest, HttpFake } from "./http-fake.js";
export { type Delivery, WebhookReceiver } from "./webhook-receiver.js";
