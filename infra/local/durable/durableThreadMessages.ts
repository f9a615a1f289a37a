import type { DurableClientBindingData } from './clientBinding';

/** What the local host's main thread tells its durable thread. */
export type ToDurableThread = { readonly kind: 'stop' };

/** What the durable thread tells the main thread. */
export type FromDurableThread =
  | { readonly kind: 'ready'; readonly binding: DurableClientBindingData }
  | { readonly kind: 'log'; readonly line: string }
  | { readonly kind: 'stopped' };
