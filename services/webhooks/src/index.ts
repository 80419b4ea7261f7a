/** Events for other systems (issue 11): subscriptions, the relay from the outbox, signed deliveries and their log. */
export { deliverWebhookJob, type DeliverJobDeps } from './deliver.job.ts';
export { dispatchEvents, startRelay } from './relay.ts';
export { messageBody, newSecret, sendMessage, signedHeaders, type WebhookMessage } from './sender.ts';
export {
  createSubscription, deleteSubscription, deliveryLog, listSubscriptions, receiverUrl,
  type DeliveryView, type NewSubscription, type SubscriptionView,
} from './webhooks.service.ts';
export { READING_SCOPES } from './webhooks.repository.ts';
