/** Reading IAM ARNs. */

/** The user name at the end of an IAM user ARN (which may carry a path). */
export function userNameFromArn(arn: string | undefined): string | undefined {
  const match = /:user\/(?:.*\/)?([^/]+)$/.exec(arn ?? '');
  return match?.[1];
}
