/**
 * Types of the untyped `pcap-parser` 0.2.1 package (classic µs pcap only), as far as the stream reader uses it.
 */
declare module 'pcap-parser' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  namespace pcapParser {
    interface GlobalHeader {
      magicNumber: number;
      majorVersion: number;
      minorVersion: number;
      gmtOffset: number;
      timestampAccuracy: number;
      snapshotLength: number;
      linkLayerType: number;
    }
    interface PacketHeader {
      timestampSeconds: number;
      timestampMicroseconds: number;
      capturedLength: number;
      originalLength: number;
    }
    interface Packet {
      header: PacketHeader;
      data: Buffer;
    }
    interface Parser extends EventEmitter {
      /** set to stop the parser from consuming more data */
      errored?: boolean;
    }
  }
  const pcapParser: { parse(input: string | Readable): pcapParser.Parser };
  export = pcapParser;
}
