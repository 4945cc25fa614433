import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { KubernetesWorkloadsReader } from './kubernetes-workloads.reader.js';

const FIXTURES = new URL('./kubernetes-fixtures/', import.meta.url);

/** An API server that answers the Deployment list with a recorded response, so the real client parses it. */
async function fakeApiServer(fixture: string): Promise<{ server: Server; url: string; paths: string[] }> {
  const body = await readFile(new URL(fixture, FIXTURES), 'utf8');
  const paths: string[] = [];
  const server = createServer((request, response) => {
    paths.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

function readerFor(url: string): KubernetesWorkloadsReader {
  const kubeconfig = new KubeConfig();
  kubeconfig.loadFromClusterAndUser(
    { name: 'fake', server: url, skipTLSVerify: true },
    { name: 'fake', token: 'not-checked' },
  );
  return new KubernetesWorkloadsReader(kubeconfig.makeApiClient(AppsV1Api));
}

describe(KubernetesWorkloadsReader.name, () => {
  let api: Awaited<ReturnType<typeof fakeApiServer>> | undefined;
  afterEach(() => api?.server.close());

  async function read(fixture: string) {
    api = await fakeApiServer(fixture);
    return readerFor(api.url).read('tenant-acme');
  }

  it('reports Ready when every Deployment has rolled out and is available', async () => {
    const sut = await read('deployments-available.json');
    expect(sut).toEqual({
      type: 'WorkloadsReady',
      status: 'True',
      reason: 'DeploymentsAvailable',
      message: 'counter 2/2 available, 2/2 updated; data-api 2/2 available, 2/2 updated',
    });
    expect(api?.paths).toEqual(['/apis/apps/v1/namespaces/tenant-acme/deployments']);
  });

  it('reports the rollout in progress with its counts', async () => {
    const sut = await read('deployments-progressing.json');
    expect(sut).toMatchObject({ status: 'False', reason: 'RollingOut' });
    expect(sut.message).toContain('counter rolling out: 2/2 available, 1/2 updated');
  });

  it("reports a rollout past its deadline as failed, with the Deployment's own message", async () => {
    const sut = await read('deployments-failed.json');
    expect(sut).toEqual({
      type: 'WorkloadsReady',
      status: 'False',
      reason: 'RolloutFailed',
      message:
        'data-api rollout failed: ReplicaSet "data-api-84b9f6d7c8" has timed out progressing. (2/2 available, 1/2 updated)',
    });
  });

  it('reports pods the quota refuses as failed before any deadline', async () => {
    const sut = await read('deployments-quota-exceeded.json');
    expect(sut).toMatchObject({ status: 'False', reason: 'RolloutFailed' });
    expect(sut.message).toContain(
      'data-api cannot create pods: pods "data-api-5c6b7d8f94-x7k2p" is forbidden: exceeded quota: tenant-quota',
    );
  });

  it('says Unknown, not failed, when the API cannot be read', async () => {
    api = await fakeApiServer('deployments-available.json');
    const url = api.url;
    await new Promise((resolve) => api?.server.close(resolve));
    api = undefined;
    const sut = await readerFor(url).read('tenant-acme');
    expect(sut).toMatchObject({ type: 'WorkloadsReady', status: 'Unknown', reason: 'StatusUnavailable' });
  });
});
