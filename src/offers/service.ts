/**
 * The offer engine as the rest of the service uses it: the tenant's catalogue, its learned
 * outcomes and the subscription, in; ranked concrete offers out.
 *
 * TODO(#5): implemented by the cancel-flow work; until then it suggests nothing.
 */
import type { TenantStore } from "../platform/tenancy";
import type { Channel } from "./catalogue";
import type { SuggestedOffer } from "./suggest";

export type OfferRequest = {
  /** The cancellation reason when known; without one, the best offer over all reasons. */
  reason?: string;
  channel: Channel;
  now: string;
  limit?: number;
};

export async function suggestOffersFor(store: TenantStore, subscriptionId: string, request: OfferRequest): Promise<SuggestedOffer[]> {
  void store;
  void subscriptionId;
  void request;
  return [];
}
