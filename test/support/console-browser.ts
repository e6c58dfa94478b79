/**
 * The police console in real Chromium for browser tests: the whole service with the demo units,
 * officer accounts with their passwords, and desks (browser contexts) that record every script
 * error, CSP refusal and unexpected dialog in `problems`, so a test can assert there were none.
 *
 * @example const desk = await openConsoleDesk([["ca.bato", "officer", "DEMO-CAX-BATO"]]); const page = await desk.signIn("ca.bato")
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createOfficer } from "../../src/officers/create-officer.ts";
import { createReadyOfficer } from "./officers.ts";
import type { Role } from "../../src/officers/roles.ts";
import { ensureDemoSetup } from "../../src/routing/ensure-demo-setup.ts";
import type { TestContext } from "./context.ts";
import { launchBrowser } from "./browser.ts";
import { startTestService, type TestService } from "./service.ts";

/** With `firstLogin`, the account is still on its generated password (the console asks for a new one). */
export type Account = [username: string, role: Role, unitId: string | null, options?: { firstLogin?: boolean }];

export interface ConsoleDesk {
  svc: TestService;
  browser: Browser;
  passwords: Map<string, string>;
  /** Script errors, CSP refusals and unexpected dialogs seen on any page so far. */
  problems: string[];
  /** The service's context in the shape the API test helpers take (insertTip, ensureUnit…). */
  ctx: TestContext;
  /** A new browser context at a desk (1280×860 unless given), Vietnamese, Vietnam time. */
  page(who?: string, size?: [number, number]): Promise<Page>;
  /** Records problems of a page opened some other way (a phone, a second tab). */
  watch(page: Page, who: string): void;
  /** Keeps a context to close at the end. */
  track(context: BrowserContext): void;
  /** Signs in at /console, or at the deep link given. */
  signIn(username: string, at?: string, size?: [number, number]): Promise<Page>;
  close(): Promise<void>;
}

/** `env`: more service settings (a fake Bot API's address…); `browserArgs`: more Chromium switches (a fake microphone…). */
export interface DeskOptions {
  env?: Record<string, string>;
  browserArgs?: string[];
}

export async function openConsoleDesk(accounts: Account[], settings: DeskOptions = {}): Promise<ConsoleDesk> {
  const svc = await startTestService(settings.env);
  await ensureDemoSetup(svc.ctx);
  const passwords = new Map<string, string>();
  for (const [username, role, unitId, options] of accounts) {
    const input = { username, displayName: `Cán bộ ${username}`, role, unitId };
    const { password } = options?.firstLogin ? await createOfficer(svc.ctx, input) : await createReadyOfficer(svc.ctx, input);
    passwords.set(username, password);
  }
  const browser = await launchBrowser(settings.browserArgs);
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  function watch(page: Page, who: string) {
    page.on("pageerror", (e) => problems.push(`${who}: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`${who}: ${m.text()}`);
    });
    page.on("dialog", (d) => {
      problems.push(`${who}: unexpected dialog "${d.message()}"`);
      void d.dismiss();
    });
  }

  async function page(who = "console", [width, height] = [1280, 860]): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height }, locale: "vi-VN", timezoneId: "Asia/Ho_Chi_Minh" });
    contexts.push(context);
    const p = await context.newPage();
    watch(p, who);
    return p;
  }

  return {
    svc,
    browser,
    passwords,
    problems,
    ctx: { ...svc.ctx, dir: svc.dir, logs: svc.logs, close: async () => {} },
    page,
    watch,
    track: (context) => void contexts.push(context),
    async signIn(username, at = "/console", size) {
      const p = await page(username, size);
      await p.goto(`${svc.url}${at}`);
      await p.getByLabel("Tên đăng nhập", { exact: true }).fill(username);
      await p.getByLabel("Mật khẩu", { exact: true }).fill(passwords.get(username)!);
      await p.getByRole("button", { name: "Đăng nhập" }).click();
      await p.getByRole("navigation", { name: "Chức năng" }).waitFor();
      return p;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await svc.close();
    },
  };
}
