/** NetFlow v5/v9 and IPFIX collector: the API the sensor wires (see docs/netflow.md). */
export { createCollector, DEFAULT_COLLECTOR_OPTIONS, normaliseExporter } from './collector.js';
export { listenUdp, parseUdpUrl, readUdpDrops, type DatagramHandler, type UdpListeners, type UdpListenerStats } from './udp.js';
export { readNetflowCapture, udpPayloadOf, type CaptureReplay } from './capture.js';
export { defaultDirection, isLocalAddress } from './direction.js';
export type { Collector, CollectorOptions, DirectionFn, ExporterStats, UniFlow } from './types.js';
