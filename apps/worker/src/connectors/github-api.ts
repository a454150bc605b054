import { json, type RequestLimits, request } from "./http-client.js";

export interface GitHubOptions extends RequestLimits {
  token: string;
  /** `https://api.github.com`, or a GitHub Enterprise Server's `/api/v3`. */
  apiUrl: string;
}

/** The GitHub REST calls the platform makes on an issue: labels and comments. */
export class GitHubApi {
  constructor(private readonly options: GitHubOptions) {}

  /** Adds labels (GitHub creates missing ones); adding a label twice changes nothing. */
  async addLabels(repo: string, number: number, labels: string[]): Promise<void> {
    await this.call("POST", `/repos/${repo}/issues/${number}/labels`, { labels });
  }

  async comment(repo: string, number: number, body: string): Promise<{ id: number }> {
    return json<{ id: number }>(await this.call("POST", `/repos/${repo}/issues/${number}/comments`, { body }));
  }

  /** The id of a comment on the issue containing `marker`, among those updated since `since`. */
  async findComment(repo: string, number: number, marker: string, since: Date): Promise<number | undefined> {
    for (let page = 1; page <= 10; page++) {
      const query = `since=${encodeURIComponent(since.toISOString())}&per_page=100&page=${page}`;
      const comments = json<Array<{ id: number; body?: string }>>(
        await this.call("GET", `/repos/${repo}/issues/${number}/comments?${query}`),
      );
      const found = comments.find((comment) => comment.body?.includes(marker));
      if (found) return found.id;
      if (comments.length < 100) return undefined;
    }
    return undefined;
  }

  private call(method: "GET" | "POST", path: string, body?: unknown) {
    return request("github", `${this.options.apiUrl.replace(/\/$/, "")}${path}`, {
      method,
      body,
      headers: {
        authorization: `Bearer ${this.options.token}`,
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
        "user-agent": "aiops-platform",
      },
      timeoutMs: this.options.timeoutMs,
      retryAfterMaxMs: this.options.retryAfterMaxMs,
    });
  }
}
