import { describe, expect, it } from 'vitest';
import { createCidrSetBuilder } from '../../src/intel/cidr-set.js';
import { addRanges, mergeRangeLabels, parseAwsRanges, parseAzureServiceTags, parseGoogleCloud, parsePrefixList, type RangeLabel, type RangeLoad } from '../../src/intel/range-loaders.js';

function setOf(load: RangeLoad) {
  if (!load.ok) throw new Error(load.error);
  const b = createCidrSetBuilder<RangeLabel>({ merge: mergeRangeLabels });
  addRanges(b, load.items);
  return b.build();
}

const aws = `{
  "syncToken": "1",
  "createDate": "2024-01-01-00-00-00",
  "prefixes": [
    { "ip_prefix": "52.216.0.0/15", "region": "us-east-1", "service": "AMAZON", "network_border_group": "us-east-1" },
    { "ip_prefix": "52.216.0.0/15", "region": "us-east-1", "service": "S3", "network_border_group": "us-east-1" },
    { "ip_prefix": "52.216.0.0/15", "region": "us-east-1", "service": "EC2", "network_border_group": "us-east-1" },
    { "ip_prefix": "52.0.0.0/10", "region": "us-east-1", "service": "EC2", "network_border_group": "us-east-1" },
    { "ip_prefix": "52.216.8.0/24", "region": "us-east-1", "service": "AMAZON", "network_border_group": "us-east-1" },
    { "ip_prefix": "13.32.0.0/15", "region": "GLOBAL", "service": "CLOUDFRONT", "network_border_group": "GLOBAL" }
  ],
  "ipv6_prefixes": [
    { "ipv6_prefix": "2600:1f18::/33", "region": "us-east-1", "service": "AMAZON", "network_border_group": "us-east-1" },
    { "ipv6_prefix": "2600:1f18:4000::/36", "region": "us-east-1", "service": "S3", "network_border_group": "us-east-1" }
  ]
}`;

describe('AWS ip-ranges.json', () => {
  const set = setOf(parseAwsRanges(aws, 'ip-ranges.json'));
  it('prefers S3 over EC2 and AMAZON for the same prefix, whatever the order', () => {
    expect(set.get('52.217.1.1')).toMatchObject({ provider: 'AWS', service: 'AWS S3', category: 'cloud-storage', region: 'us-east-1' });
  });
  it('takes the most specific prefix, even when it is only AMAZON', () => {
    expect(set.get('52.216.8.9')).toMatchObject({ service: 'AWS', category: 'cloud' });
    expect(set.get('52.1.1.1')).toMatchObject({ service: 'AWS EC2' });
  });
  it('leaves out the GLOBAL region and reads IPv6 prefixes', () => {
    expect(set.get('13.32.0.1')).toEqual(expect.not.objectContaining({ region: expect.anything() }));
    expect(set.get('2600:1f18:4000::1')).toMatchObject({ service: 'AWS S3' });
    expect(set.get('2600:1f18::1')).toMatchObject({ service: 'AWS' });
  });
  it('names file and line of a bad prefix, and rejects wrong shapes', () => {
    const bad = aws.replace('"52.0.0.0/10"', '"52.0.0.0/40"');
    expect(parseAwsRanges(bad, 'r.json')).toEqual({ ok: false, error: "r.json:8: prefixes[3]: ip_prefix '52.0.0.0/40' is not a valid IPv4 prefix" });
    const v6inv4 = aws.replace('"2600:1f18::/33"', '"10.0.0.0/8"');
    expect(parseAwsRanges(v6inv4, 'r.json')).toMatchObject({ ok: false, error: expect.stringMatching(/^r\.json:\d+: ipv6_prefixes\[0\]: ipv6_prefix '10\.0\.0\.0\/8' is not a valid IPv6 prefix/) });
    expect(parseAwsRanges('{"prefixes": [{"region": "x"}]}', 'r.json')).toMatchObject({ ok: false, error: 'r.json: prefixes[0] lacks "ip_prefix" or "service"' });
    expect(parseAwsRanges('{"foo": 1}', 'r.json')).toMatchObject({ ok: false, error: expect.stringMatching(/not an AWS ip-ranges\.json/) });
    expect(parseAwsRanges('{\n"prefixes": [,]\n}', 'r.json')).toMatchObject({ ok: false, error: expect.stringMatching(/^r\.json:2: invalid JSON \(unexpected ','\)/) });
  });
});

describe('Google cloud.json', () => {
  const text = JSON.stringify({
    syncToken: '1',
    prefixes: [
      { ipv4Prefix: '34.80.0.0/15', service: 'Google Cloud', scope: 'asia-east1' },
      { ipv6Prefix: '2600:1900:4000::/44', service: 'Google Cloud', scope: 'us-central1' },
    ],
  }, null, 1);
  it('labels v4 and v6 prefixes with the scope as region', () => {
    const set = setOf(parseGoogleCloud(text, 'cloud.json'));
    expect(set.get('34.81.0.1')).toMatchObject({ provider: 'Google', service: 'Google Cloud', region: 'asia-east1' });
    expect(set.get('2600:1900:4000::1')).toMatchObject({ region: 'us-central1' });
  });
  it('names the file and line of a bad entry', () => {
    expect(parseGoogleCloud(text.replace('34.80.0.0/15', '34.80.0.0/99'), 'cloud.json')).toMatchObject({ ok: false, error: expect.stringMatching(/^cloud\.json:5: prefixes\[0\]: not a valid IP prefix/) });
    expect(parseGoogleCloud('{"prefixes":[{"service":"x"}]}', 'cloud.json')).toMatchObject({ ok: false, error: 'cloud.json: prefixes[0] has neither ipv4Prefix nor ipv6Prefix' });
  });
});

describe('Azure Service Tags', () => {
  const text = JSON.stringify({
    changeNumber: 1,
    cloud: 'Public',
    values: [
      { name: 'AzureCloud', id: 'AzureCloud', properties: { region: '', addressPrefixes: ['20.0.0.0/8'] } },
      { name: 'Storage', id: 'Storage', properties: { region: '', systemService: 'AzureStorage', addressPrefixes: ['20.60.0.0/16'] } },
      { name: 'Storage.WestEurope', id: 'Storage.WestEurope', properties: { region: 'westeurope', systemService: 'AzureStorage', addressPrefixes: ['20.60.0.0/16', '2603:1020:200::/46'] } },
    ],
  }, null, 1);
  it('prefers the regional storage tag over the global one and AzureCloud', () => {
    const set = setOf(parseAzureServiceTags(text, 'tags.json'));
    expect(set.get('20.60.1.1')).toMatchObject({ provider: 'Microsoft', service: 'Azure Storage', category: 'cloud-storage', region: 'westeurope' });
    expect(set.get('20.1.1.1')).toMatchObject({ service: 'Azure', category: 'cloud' });
    expect(set.get('2603:1020:200::9')).toMatchObject({ service: 'Azure Storage' });
  });
  it('names the tag of a bad prefix', () => {
    expect(parseAzureServiceTags(text.replace('"20.0.0.0/8"', '"20.0.0/8"'), 'tags.json')).toMatchObject({ ok: false, error: expect.stringMatching(/^tags\.json:\d+: values\[0\] \(AzureCloud\)\.addressPrefixes\[0\]/) });
    expect(parseAzureServiceTags('{"values":[{"name":"x"}]}', 'tags.json')).toMatchObject({ ok: false, error: expect.stringMatching(/lacks "name" or "properties.addressPrefixes"/) });
  });
});

describe('plain prefix lists', () => {
  it('read the label from the header and skip comments', () => {
    const set = setOf(parsePrefixList('# provider: Cloudflare\n# category: cdn\n\n104.16.0.0/13\n# note\n2606:4700::/32\n', 'cf.txt'));
    expect(set.get('104.17.0.1')).toMatchObject({ provider: 'Cloudflare', service: 'Cloudflare', category: 'cdn' });
    expect(set.get('2606:4700::1')).toMatchObject({ provider: 'Cloudflare' });
  });
  it('take a label from the caller', () => {
    const set = setOf(parsePrefixList('192.0.2.0/24\n', 'l.txt', { provider: 'Backup Vendor', category: 'cloud-storage' }));
    expect(set.get('192.0.2.5')).toMatchObject({ provider: 'Backup Vendor', service: 'Backup Vendor', category: 'cloud-storage' });
  });
  it('name the file and line of a bad prefix, and require a label', () => {
    expect(parsePrefixList('# provider: X\n10.0.0.0/8\nnot-a-prefix\n', 'l.txt')).toEqual({ ok: false, error: "l.txt:3: not a valid IP prefix: 'not-a-prefix'" });
    expect(parsePrefixList('10.0.0.0/8\n', 'l.txt')).toEqual({ ok: false, error: "l.txt: no label (add a '# provider: NAME' line)" });
  });
});

describe('JSON syntax errors', () => {
  it('name the line where the text stops being JSON, without echoing the input', () => {
    const r = parseAwsRanges('{\n  "prefixes": [\n    { "ip_prefix": "1.0.0.0/8" \n    "service": "S3" }\n  ]\n}', 'big.json');
    expect(r).toEqual({ ok: false, error: "big.json:4: invalid JSON (expected ',' or '}')" });
    expect(parseAwsRanges('{"prefixes": "unterminated', 'u.json')).toEqual({ ok: false, error: 'u.json:1: invalid JSON (unterminated string)' });
    expect(parseAwsRanges('['.repeat(10_000), 'deep.json')).toEqual({ ok: false, error: 'deep.json:1: invalid JSON (nested too deeply)' });
  });
});
