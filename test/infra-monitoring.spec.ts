/**
 * The monitoring files of infra/ read structurally (docker is not on the build machines): the compose file's
 * Prometheus and Grafana services and what they mount, Prometheus's targets, Grafana's provisioning, and the
 * dashboard, whose every query names metrics sohoa exposes. test/operations.test.ts runs each dashboard query on a
 * real Prometheus and checks prometheus.yml with promtool.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { metricsText, type Queryable } from '@sohoa/shared';

const infra = path.resolve(import.meta.dirname, '..', 'infra');
const yaml = (file: string) => YAML.parse(fs.readFileSync(path.join(infra, file), 'utf8'), { merge: true }); // compose's `<<:` merge keys
const compose = yaml('docker-compose.yml');
const dashboard = JSON.parse(fs.readFileSync(path.join(infra, 'grafana/dashboards/sohoa.json'), 'utf8'));

/** Where a compose service mounts a folder or file of infra/ (`./x:/in/container[:ro]`). */
const mounts = (service: string): Map<string, string> =>
  new Map((compose.services[service].volumes as string[]).filter((v) => v.startsWith('./')).map((v) => {
    const [from, to] = v.split(':');
    return [to!, path.join(infra, from!)];
  }));

/** Every metric sohoa's /metrics exposes (histograms with their series), the database gauges included. */
async function exposedNames(): Promise<Set<string>> {
  const db = { query: async () => ({ rows: [{ queue: 'ocr.page', waiting: 0, active: 0, oldest: null }] }) } as unknown as Queryable;
  const text = await metricsText(db);
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

describe('monitoring in infra/', () => {
  it('compose: every sohoa process serves metrics on the port Prometheus scrapes, with the token it is given', () => {
    const env = compose['x-sohoa-env'];
    expect(env).toMatchObject({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' });
    expect(env.METRICS_TOKEN).toMatch(/^\$\{METRICS_TOKEN:\?/);
    for (const service of ['api', 'worker']) expect(compose.services[service].environment).toMatchObject({ METRICS_PORT: '9464' });
    expect(compose.services.prometheus.secrets).toEqual(['metrics_token']);
    expect(compose.secrets.metrics_token).toEqual({ environment: 'METRICS_TOKEN' });
    expect(compose.services.grafana.depends_on).toContain('prometheus');
    for (const volume of ['prometheus', 'grafana']) expect(Object.keys(compose.volumes)).toContain(volume);
  });

  it('Prometheus scrapes the api and every worker replica by service name, with the token as a file', () => {
    const configFile = mounts('prometheus').get('/etc/prometheus/prometheus.yml')!;
    expect(compose.services.prometheus.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    const config = YAML.parse(fs.readFileSync(configFile, 'utf8'));
    const [job] = config.scrape_configs;
    expect(job).toMatchObject({ job_name: 'sohoa', metrics_path: '/metrics', authorization: { type: 'Bearer', credentials_file: '/run/secrets/metrics_token' } });
    const targets = job.static_configs.flatMap((c: any) => c.targets).concat(job.dns_sd_configs.flatMap((c: any) => c.names.map((n: string) => `${n}:${c.port}`)));
    expect(targets.sort()).toEqual(['api:9464', 'worker:9464']);
    for (const target of targets) expect(Object.keys(compose.services)).toContain(target.split(':')[0]);
  });

  it('Grafana is provisioned with the Prometheus service as datasource and the dashboard folder it mounts', () => {
    const m = mounts('grafana');
    const provisioning = m.get('/etc/grafana/provisioning')!;
    const datasources = YAML.parse(fs.readFileSync(path.join(provisioning, 'datasources/prometheus.yml'), 'utf8'));
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', uid: 'sohoa-prometheus', access: 'proxy', url: 'http://prometheus:9090', isDefault: true })]);
    const providers = YAML.parse(fs.readFileSync(path.join(provisioning, 'dashboards/sohoa.yml'), 'utf8'));
    expect(providers.apiVersion).toBe(1);
    const [provider] = providers.providers;
    expect(provider).toMatchObject({ type: 'file', options: { path: '/etc/grafana/dashboards' } });
    const dashboards = m.get(provider.options.path)!;
    expect(fs.readdirSync(dashboards)).toContain('sohoa.json');
    expect(compose.services.grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(`${provider.options.path}/sohoa.json`);
  });

  it('the dashboard: well formed, panels in the grid without overlap, every query on the datasource and on metrics sohoa exposes', async () => {
    expect(dashboard).toMatchObject({ uid: 'sohoa-operations', title: expect.any(String), schemaVersion: expect.any(Number) });
    const panels: any[] = dashboard.panels;
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const cells = new Set<string>();
    for (const { gridPos: g, title } of panels) {
      expect(g.x + g.w, title).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) for (let y = g.y; y < g.y + g.h; y++) {
        expect(cells.has(`${x},${y}`), `${title} overlaps another panel at ${x},${y}`).toBe(false);
        cells.add(`${x},${y}`);
      }
    }
    const exposed = await exposedNames();
    const queries = panels.filter((p) => p.type !== 'row').flatMap((p) => p.targets.map((t: any) => ({ panel: p, target: t })));
    expect(queries.length).toBeGreaterThanOrEqual(15);
    for (const { panel, target } of queries) {
      expect(panel.datasource.uid).toBe('sohoa-prometheus');
      expect(target.datasource.uid).toBe('sohoa-prometheus');
      const used = [...target.expr.matchAll(/\b(sohoa_[a-z_]+)\b/g)].map((m) => m[1]);
      expect(used.filter((name) => !exposed.has(name)), `${panel.title}: ${target.expr}`).toEqual([]);
    }
    // What issue 11 asks the dashboard to show.
    const all = queries.map((q) => q.target.expr).join('\n');
    for (const metric of [
      'sohoa_queue_waiting_jobs', 'sohoa_queue_oldest_job_age_seconds', 'sohoa_ocr_pages_total', 'sohoa_ocr_page_confidence_bucket',
      'sohoa_documents_split_total{outcome="review"}', 'sohoa_signing_failures_total', 'sohoa_fixity_failures_total',
      'sohoa_webhook_delivery_failures_total', 'sohoa_http_request_duration_seconds_bucket',
    ]) expect(all).toContain(metric);
  });
});
