/** Writes secrets into every GitHub target kind, with public keys cached per scope. */
import { memoizeAsync } from '../lib/memoize-async.js';
import { TargetError } from '../model/errors.js';
import type { SecretStore } from '../model/gateways.js';
import {
  scopeKey,
  type OrgAccess,
  type OrganizationScope,
  type SecretScope,
  type Target,
} from '../model/secret-target.js';
import type { GitHubClient } from './github-client.js';
import { explainGitHubError, httpStatusOf, isRefusal } from './github-errors.js';
import { seal } from './sealed-box.js';
import { secretsPath } from './secret-paths.js';

interface PublicKey {
  readonly keyId: string;
  readonly key: string;
}

/** The organization-secret fields GitHub requires on every write. */
interface OrgWriteFields {
  readonly visibility: string;
  readonly selected_repository_ids?: number[];
}

async function explained<T>(scope: SecretScope, doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TargetError) throw error;
    // GitHub refused (4xx): nothing was stored. Anything else (5xx after retries, a timeout, a
    // reset) may have stored the value.
    const mayHaveStored = !isRefusal(error);
    throw new TargetError(explainGitHubError(error, scope, doing), { mayHaveStored });
  }
}

export function createSecretStore(github: GitHubClient): SecretStore {
  const publicKey = memoizeAsync(
    (scope: SecretScope) =>
      explained(scope, 'reading the public key', async () => {
        const { data } = await github.request(`GET ${secretsPath(scope)}/public-key`);
        return { keyId: String(data.key_id), key: String(data.key) } satisfies PublicKey;
      }),
    scopeKey,
  );
  const orgFields = createOrgAccessResolver(github);

  return {
    async preflight(target) {
      await publicKey(target.scope);
      if (target.scope.type === 'organization') {
        await orgFields(target, target.secretAccessKeyName);
        await orgFields(target, target.accessKeyIdName);
      }
    },
    async write(target, name, value) {
      const { scope } = target;
      const key = await publicKey(scope);
      const extra = scope.type === 'organization' ? await orgFields(target, name) : {};
      const encrypted_value = await seal(value, key.key);
      await explained(scope, `writing ${name}`, () =>
        github.request(`PUT ${secretsPath(scope)}/${encodeURIComponent(name)}`, {
          encrypted_value,
          key_id: key.keyId,
          ...extra,
        }),
      );
    },
    updatedAt: (target, name) =>
      explained(target.scope, `reading when ${name} was written`, async () => {
        try {
          const path = `${secretsPath(target.scope)}/${encodeURIComponent(name)}`;
          const { data } = await github.request(`GET ${path}`);
          return new Date(String(data.updated_at));
        } catch (error) {
          if (httpStatusOf(error) === 404) return undefined;
          throw error;
        }
      }),
  };
}

type OrgTarget = Target & { scope: OrganizationScope };

/** Resolves visibility and repository ids for an organization secret, once per secret per run. */
function createOrgAccessResolver(github: GitHubClient) {
  const repoId = memoizeAsync(
    async ({ org, repo }: { org: string; repo: string }) => {
      const { data } = await github.request('GET /repos/{owner}/{repo}', { owner: org, repo });
      return Number(data.id);
    },
    ({ org, repo }) => `${org}/${repo}`.toLowerCase(),
  );
  const resolve = memoizeAsync(
    ({ target, name }: { target: OrgTarget; name: string }) =>
      explained(target.scope, `reading the access of ${name}`, () =>
        target.orgAccess
          ? fieldsFromConfig(target.scope.org, target.orgAccess, repoId)
          : fieldsFromGitHub(github, target.scope, name),
      ),
    ({ target, name }) => `${scopeKey(target.scope)}:${name}`,
  );
  return (target: Target, name: string): Promise<OrgWriteFields> =>
    resolve({ target: target as OrgTarget, name });
}

async function fieldsFromConfig(
  org: string,
  access: OrgAccess,
  repoId: (ref: { org: string; repo: string }) => Promise<number>,
): Promise<OrgWriteFields> {
  if (access.visibility !== 'selected') return { visibility: access.visibility };
  const ids = await Promise.all((access.repositories ?? []).map((repo) => repoId({ org, repo })));
  return { visibility: 'selected', selected_repository_ids: ids };
}

/** Keeps who can read an existing secret: a write without these fields would change it. */
async function fieldsFromGitHub(
  github: GitHubClient,
  scope: OrganizationScope,
  name: string,
): Promise<OrgWriteFields> {
  const path = `${secretsPath(scope)}/${encodeURIComponent(name)}`;
  let visibility: string;
  try {
    ({
      data: { visibility },
    } = await github.request(`GET ${path}`));
  } catch (error) {
    if (httpStatusOf(error) !== 404) throw error;
    throw new TargetError(
      `organization ${scope.org} (${scope.kind}): secret ${name} does not exist yet; ` +
        'set "visibility" (and "repositories") for this target in the config file',
      { mayHaveStored: false },
    );
  }
  if (visibility !== 'selected') return { visibility };
  const repos = await github.paginate(`GET ${path}/repositories`, { per_page: 100 });
  const ids = (repos as { id: number }[]).map((repo) => repo.id);
  return { visibility, selected_repository_ids: ids };
}
