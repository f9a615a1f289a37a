/** A small HTTP client for the end-to-end tests: tokens from the dev issuer, JSON in and out. */
export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: {
      token?: string;
      json?: unknown;
      form?: Record<string, string>;
      body?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.body;
    if (options.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.json);
    }
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const url = path.startsWith('http') ? path : `${this.baseUrl}${path}`;
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let parsed: unknown = text;
    if (/json/.test(response.headers.get('content-type') ?? '') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  async partnerToken(partnerId: string): Promise<string> {
    return this.#token({ partnerId });
  }

  async userToken(upn: string): Promise<string> {
    return this.#token({ upn });
  }

  /** A fresh customer tenant: admin@ (Global Administrator), helpdesk@ and a federated it-admin@. */
  async newTenant(): Promise<{
    tenantId: string;
    domain: string;
    admin: string;
    helpdesk: string;
    federatedAdmin: string;
  }> {
    const res = await this.request<{ tenantId: string; domain: string; users: { upn: string }[] }>(
      'POST',
      '/api/dev/tenants',
      { json: {} },
    );
    if (res.status !== 201) throw new Error(`dev tenant: ${res.status} ${res.text}`);
    const [admin, helpdesk, federatedAdmin] = res.body.users.map((u) => u.upn);
    return {
      tenantId: res.body.tenantId,
      domain: res.body.domain,
      admin: admin!,
      helpdesk: helpdesk!,
      federatedAdmin: federatedAdmin!,
    };
  }

  async #token(body: object): Promise<string> {
    const res = await this.request<{ access_token: string }>('POST', '/api/dev/token', { json: body });
    if (res.status !== 200) throw new Error(`dev token: ${res.status} ${res.text}`);
    return res.body.access_token;
  }
}
