import { AppsV1Api, KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import type { ConditionUpdate } from '@platform/tenancy';

type RolloutState = 'available' | 'progressing' | 'failed';

interface Rollout {
  state: RolloutState;
  detail: string;
}

/** The rules of `kubectl rollout status`, plus ReplicaFailure (a full quota never becomes a deadline error soon enough). */
function rolloutOf(deployment: V1Deployment): Rollout {
  const name = deployment.metadata?.name ?? 'unnamed';
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const counts = `${status.availableReplicas ?? 0}/${desired} available, ${status.updatedReplicas ?? 0}/${desired} updated`;
  const condition = (type: string) => status.conditions?.find((candidate) => candidate.type === type);

  const progressing = condition('Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return {
      state: 'failed',
      detail: `${name} rollout failed: ${progressing.message ?? progressing.reason} (${counts})`,
    };
  }
  const replicaFailure = condition('ReplicaFailure');
  if (replicaFailure?.status === 'True') {
    return {
      state: 'failed',
      detail: `${name} cannot create pods: ${replicaFailure.message ?? replicaFailure.reason} (${counts})`,
    };
  }
  const observed = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  const complete =
    observed &&
    (status.updatedReplicas ?? 0) >= desired &&
    (status.availableReplicas ?? 0) >= desired &&
    (status.replicas ?? 0) <= desired;
  return complete
    ? { state: 'available', detail: `${name} ${counts}` }
    : { state: 'progressing', detail: `${name} rolling out: ${counts}` };
}

/** Pure: the tenant's WorkloadsReady condition from its namespace's Deployments. */
export function workloadsCondition(namespace: string, deployments: V1Deployment[]): ConditionUpdate {
  if (deployments.length === 0) {
    return {
      type: 'WorkloadsReady',
      status: 'False',
      reason: 'NoWorkloads',
      message: `No Deployments in namespace ${namespace}`,
    };
  }
  const rollouts = deployments.map(rolloutOf);
  const message = (state?: RolloutState) =>
    rollouts
      .filter((rollout) => !state || rollout.state === state)
      .map((rollout) => rollout.detail)
      .join('; ');
  if (rollouts.some((rollout) => rollout.state === 'failed')) {
    return { type: 'WorkloadsReady', status: 'False', reason: 'RolloutFailed', message: message('failed') };
  }
  if (rollouts.some((rollout) => rollout.state === 'progressing')) {
    return { type: 'WorkloadsReady', status: 'False', reason: 'RollingOut', message: message() };
  }
  return { type: 'WorkloadsReady', status: 'True', reason: 'DeploymentsAvailable', message: message() };
}

/** Reads Deployment status from the cluster; a status it cannot read is Unknown, never a failed provisioning. */
export class KubernetesWorkloadsReader {
  constructor(private readonly apps: AppsV1Api) {}

  /** In-cluster service account when the provisioner runs in GKE, else KUBECONFIG / ~/.kube/config. */
  static fromDefaultKubeconfig(context?: string): KubernetesWorkloadsReader {
    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromDefault();
    if (context) kubeconfig.setCurrentContext(context);
    return new KubernetesWorkloadsReader(kubeconfig.makeApiClient(AppsV1Api));
  }

  async read(namespace: string): Promise<ConditionUpdate> {
    try {
      const list = await this.apps.listNamespacedDeployment({ namespace });
      return workloadsCondition(namespace, list.items);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        type: 'WorkloadsReady',
        status: 'Unknown',
        reason: 'StatusUnavailable',
        message: `Could not read Deployments in ${namespace}: ${reason}`,
      };
    }
  }
}
