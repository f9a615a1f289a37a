import { decodeHardwareHash } from '../../../shared/domain/devices/hardwareHash';
import { buildHardwareHash, REAL_HASH_OPENING } from '../../support/hardwareHashes';

/** The test builder against the opening of a real hash: the fixtures must look like what Windows writes. */
interface Opening {
  readonly magic: string;
  readonly declaredLength: number;
  readonly firstType: number;
  readonly firstReserved: number;
  readonly firstLength: number;
  readonly firstValues: number[];
}

function opening(bytes: Buffer): Opening {
  return {
    magic: bytes.toString('latin1', 0, 2),
    declaredLength: bytes.readUInt16LE(2),
    firstType: bytes[4]!,
    firstReserved: bytes[5]!,
    firstLength: bytes.readUInt16LE(6),
    firstValues: [0, 1, 2, 3, 4, 5, 6, 7].map((i) => bytes.readUInt16LE(8 + 2 * i)),
  };
}

describe('hardware hash builder against a real hash', () => {
  const real = opening(Buffer.from(REAL_HASH_OPENING, 'base64'));

  it('when the real opening is decoded, then it is OA, L = 1126 and a 28-byte type-1 record of two Windows versions', () => {
    expect(real).toEqual({
      magic: 'OA',
      declaredLength: 1126,
      firstType: 1,
      firstReserved: 0,
      firstLength: 28,
      firstValues: [0, 10, 1566, 19041, 0, 10, 1682, 19041],
    });
  });

  it.each(['laptop', 'vm'] as const)(
    'when the builder writes a %s hash, then its header and first record have the real one’s shape and values',
    (kind) => {
      const hash = buildHardwareHash({ serialNumber: 'SN-1', manufacturer: 'HP', model: 'X', kind });
      const built = Buffer.from(hash, 'base64');
      const ours = opening(built);
      expect({ ...ours, declaredLength: undefined }).toEqual({ ...real, declaredLength: undefined });
      // L is this hash's own (its records differ from the real device's), and it tiles its records.
      const decoded = decodeHardwareHash(hash);
      expect(decoded.ok).toBe(true);
      expect(built.toString('latin1', ours.declaredLength, ours.declaredLength + 2)).toBe('CS');
    },
  );
});
