import { DataStore, Server, type ServerOptions } from '@tus/server';

export type Handlers = Server['handlers'];
export type HandlerClass<H> = new (store: DataStore, options: ServerOptions) => H;

/**
 * @tus/server exports its Server but not the handler classes it is made of, which are
 * what the extensions subclass: they are reached through a server's own handlers.
 */
const template = new Server({ path: '/', datastore: new DataStore() });

function classOf<M extends keyof Handlers>(method: M): HandlerClass<Handlers[M]> {
  return template.handlers[method].constructor as HandlerClass<Handlers[M]>;
}

export const PatchHandler: HandlerClass<Handlers['PATCH']> = classOf('PATCH');
export const PostHandler: HandlerClass<Handlers['POST']> = classOf('POST');
export const HeadHandler: HandlerClass<Handlers['HEAD']> = classOf('HEAD');
export const OptionsHandler: HandlerClass<Handlers['OPTIONS']> = classOf('OPTIONS');
