import type { SensorStats } from '../sensor.js';

/** The end-of-run summary: totals, then every non-zero drop/anomaly counter by name. */
export function formatSummary(label: string, stats: SensorStats, counters: Record<string, number>, seconds: number): string {
  const ev = stats.events;
  const total = Object.values(ev).reduce((a, b) => a + b, 0);
  const lines = [
    `${label}: ${stats.packets} packets, ${stats.bytes} bytes, ${counters['flow.created'] ?? 0} flows, ` +
      `${total} events (flow ${ev.flow}, dns ${ev.dns}, tls ${ev.tls}, http ${ev.http}, ftp ${ev.ftp}, alert ${ev.alert}) in ${seconds.toFixed(2)} s`,
  ];
  const rest = Object.entries(counters).filter(([k]) => k !== 'flow.created');
  if (rest.length > 0) lines.push('  counters: ' + rest.map(([k, v]) => `${k}=${v}`).join(' '));
  return lines.join('\n') + '\n';
}
