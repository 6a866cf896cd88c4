/** What every view of the console is built from: the signed-in client and how to speak to the user. */
import type { GatehouseClient, TokenInfo } from '../../client/src/index.js';

export interface ConsoleContext {
  client: GatehouseClient;
  me: TokenInfo;
  /** Whether the token may call an action (the console shows only what it may use). */
  may(action: string): boolean;
  /** Says what just happened, in the console's status line. */
  tell(message: string): void;
  /** Shows a refused or failed call in the console's alert line. */
  report(error: unknown): void;
  /** The instance's organizations, as the console last loaded them. */
  orgs(): { id: string; name: string }[];
  /** Runs a change, says `done` or the error, then calls `reload` (the view's own refresh). */
  perform(change: () => Promise<unknown>, done: string, reload: () => Promise<unknown>): Promise<void>;
}

/** The organization an org view works on. */
export interface OrgScope {
  ids: { instanceId: string; orgId: string };
  name: string;
}

/** A view of the console: its element, and how to reload what it shows. */
export interface ConsoleView {
  element: HTMLElement;
  refresh(): Promise<void>;
}
