import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../paths.js';
import { registry } from './metrics.js';

// ops/: the Grafana dashboard and the Prometheus rules name only series the
// server exposes, and the rules pass promtool's own check and unit tests.

const OPS = path.join(PROJECT_ROOT, 'ops');
const run = promisify(execFile);

/** Every series name a scrape can show: histograms add _bucket, _sum and _count. */
async function exposedNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

const namedIn = (expr: string): string[] => [...expr.matchAll(/\b(?:frontdesk|process|nodejs)_[a-z0-9_]+\b/g)].map((m) => m[0]);

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; description?: string };
}

async function rules(): Promise<Rule[]> {
  const file = parse(await readFile(path.join(OPS, 'prometheus', 'frontdesk-alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] };
  return file.groups.flatMap((g) => g.rules);
}

async function dashboardExprs(): Promise<{ title: string; expr: string }[]> {
  const dashboard = JSON.parse(await readFile(path.join(OPS, 'grafana', 'frontdesk-dashboard.json'), 'utf8')) as {
    panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[];
  };
  for (const panel of dashboard.panels) expect(panel.datasource.uid, panel.title).toBe('${datasource}');
  return dashboard.panels.flatMap((p) => p.targets.map((t) => ({ title: p.title, expr: t.expr })));
}

async function promtool(): Promise<string | null> {
  try {
    await run('promtool', ['--version']);
    return 'promtool';
  } catch {
    return null;
  }
}

describe('ops/ files', () => {
  it('the dashboard and the alerts name only series that /metrics exposes', async () => {
    const exposed = await exposedNames();
    const used = [...(await rules()).map((r) => ({ title: r.alert, expr: r.expr })), ...(await dashboardExprs())];
    expect(used.length).toBeGreaterThan(15);
    const unknown = used.flatMap(({ title, expr }) => namedIn(expr).filter((n) => !exposed.has(n)).map((n) => `${title}: ${n}`));
    expect(unknown).toEqual([]);
  });

  it('every alert waits before firing, has a severity and says what to look at', async () => {
    for (const rule of await rules()) {
      expect(rule.for, rule.alert).toMatch(/^\d+m$/);
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
    }
  });

  it("the rules pass promtool's check and their unit tests (where promtool is installed)", async (context) => {
    const tool = await promtool();
    if (!tool) {
      console.warn('promtool is not installed (Debian: apt-get install prometheus); the rules were checked by the tests above only');
      context.skip();
      return;
    }
    const cwd = path.join(OPS, 'prometheus');
    await run(tool, ['check', 'rules', 'frontdesk-alerts.yml'], { cwd });
    const { stdout } = await run(tool, ['test', 'rules', 'frontdesk-alerts.test.yml'], { cwd });
    expect(stdout).toContain('SUCCESS');
  });
});
