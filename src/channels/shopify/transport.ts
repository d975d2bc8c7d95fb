// Routes the library's HTTP calls to an emulator when a base-URL override is configured.
//
// `@shopify/shopify-api` always builds `https://{shop}/admin/api/{version}/graphql.json` from the
// shop domain and sends it through its runtime fetch hook (`abstractFetch`, set by the node
// adapter). The hook is the library's own extension point, so we wrap it instead of patching
// the client: a request for a shop with an override goes to `{baseUrl}/shops/{shop}/admin/...`
// (the emulator's path scheme); everything else passes through untouched. The wrapper is only
// installed when the first override is registered, so production (no override) runs the
// library's own fetch exactly as shipped. The GraphQL client captures the hook when it is
// constructed, which is why adapters register their override before building their client.
//
// The project resolves modules the node10 way, which ignores package `exports`: an `import`
// of these two subpaths would make tsc type-check the package's shipped TypeScript sources
// (which do not compile under our strict settings). So Node loads them through `require`
// (resolved by the package's `exports` as usual) and the types come from its published .d.ts.
type ShopifyRuntime = typeof import('@shopify/shopify-api/dist/ts/runtime');
/* eslint-disable @typescript-eslint/no-require-imports */
require('@shopify/shopify-api/adapters/node'); // installs the library's Node fetch and runtime hooks
const runtime = require('@shopify/shopify-api/runtime') as ShopifyRuntime;
/* eslint-enable @typescript-eslint/no-require-imports */

type Fetch = ShopifyRuntime['abstractFetch'];

const overrides = new Map<string, string>();
let libraryFetch: Fetch | undefined;

function routedFetch(libFetch: Fetch): Fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const base = url.protocol === 'https:' ? overrides.get(url.host.toLowerCase()) : undefined;
    if (!base) return libFetch(input, init);
    return libFetch(`${base}/shops/${url.host}${url.pathname}${url.search}`, init);
  };
}

/** Sends this shop's Admin API calls to `baseUrl` (an emulator) instead of Shopify. */
export function routeShopToBaseUrl(shop: string, baseUrl: string): void {
  overrides.set(shop.toLowerCase(), baseUrl.replace(/\/+$/, ''));
  if (!libraryFetch) {
    libraryFetch = runtime.abstractFetch;
    runtime.setAbstractFetchFunc(routedFetch(libraryFetch));
  }
}
