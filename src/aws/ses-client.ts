/** The SES (API v2) client that sends notifications, with the SDK's standard settings. */
import { SESv2Client } from '@aws-sdk/client-sesv2';

/**
 * Runs as the action's own credentials (default chain). The SDK itself honours
 * AWS_ENDPOINT_URL_SESV2, then AWS_ENDPOINT_URL (its service id is "SESv2").
 */
export function createSesClient(region: string): SESv2Client {
  return new SESv2Client({ region, maxAttempts: 4 });
}
