import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  type ValidationOptions,
} from 'class-validator';
import { statusOf, type ApiKeyRecord, type IssuedKey } from '@ledger/http';
import { isInstant } from '../request-validators';

export const KEY_ROLES = ['admin', 'reader', 'auditor'] as const;
/** How long a rotated key keeps working next to its successor unless the rotation says otherwise. */
export const DEFAULT_OVERLAP_SECONDS = 24 * 60 * 60;
const MAX_OVERLAP_SECONDS = 30 * 24 * 60 * 60;

/** An RFC 3339 instant later than now: a key cannot be made to expire in the past. */
function IsFutureInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isFutureInstant',
      validator: {
        validate: (value: unknown) => isInstant(value) && Date.parse(value) > Date.now(),
        defaultMessage: (args) =>
          `${args?.property} must be an RFC 3339 instant with an offset, in the future, e.g. 2030-01-01T00:00:00Z`,
      },
    },
    options,
  );
}

export class CreateKeyDto {
  @ApiProperty({ enum: KEY_ROLES })
  @IsIn(KEY_ROLES, { message: `role must be one of ${KEY_ROLES.join(', ')}` })
  role!: (typeof KEY_ROLES)[number];

  @ApiProperty({ example: 'tariff desk integration', minLength: 1, maxLength: 500 })
  @IsString()
  @Length(1, 500)
  label!: string;

  @ApiPropertyOptional({ example: '2030-01-01T00:00:00Z', description: 'absent: the key does not expire' })
  @IsOptional()
  @IsFutureInstant()
  expiresAt?: string;
}

export class RotateKeyDto {
  @ApiPropertyOptional({
    default: DEFAULT_OVERLAP_SECONDS,
    description: 'seconds the old key keeps working next to the new one (0: it stops now)',
  })
  @IsOptional()
  @Max(MAX_OVERLAP_SECONDS)
  @Min(0)
  @IsInt({ message: 'overlapSeconds must be an integer' })
  overlapSeconds?: number;

  @ApiPropertyOptional({ example: '2030-01-01T00:00:00Z', description: "the new key's expiry; absent: none" })
  @IsOptional()
  @IsFutureInstant()
  expiresAt?: string;
}

export class KeyExpiryDto {
  @ApiProperty({ type: String, nullable: true, example: '2030-01-01T00:00:00Z', description: 'null: never' })
  @ValidateIf((body: KeyExpiryDto) => body.expiresAt !== null)
  @IsFutureInstant()
  expiresAt!: string | null;
}

/** A key as the API shows it: never its secret, nor the secret's hash. */
export class KeyView {
  @ApiProperty({ example: 'key-0123456789ab' }) readonly keyId!: string;
  @ApiProperty({ enum: KEY_ROLES }) readonly role!: string;
  @ApiProperty() readonly label!: string;
  @ApiProperty({ enum: ['active', 'expired', 'revoked'] }) readonly status!: string;
  @ApiProperty() readonly createdAt!: string;
  @ApiProperty({ description: 'an admin key id, bootstrap, or operator:<user>' }) readonly createdBy!: string;
  @ApiProperty({ type: String, nullable: true }) readonly expiresAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly revokedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'to the minute' }) readonly lastUsedAt!:
    string | null;
  @ApiProperty({ type: String, nullable: true }) readonly rotatedFrom!: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly replacedBy!: string | null;
}

export class IssuedKeyView extends KeyView {
  @ApiProperty({
    description: 'the key itself: shown this once, never again',
    example: 'tpl_key-0123456789ab_…',
  })
  readonly key!: string;
}

export class RotatedKeyView extends IssuedKeyView {
  @ApiProperty({ type: KeyView, description: 'the rotated key, with the expiry the overlap gave it' })
  readonly previous!: KeyView;
}

export function keyView(record: ApiKeyRecord): KeyView {
  return {
    keyId: record.keyId,
    role: record.role,
    label: record.label,
    status: statusOf(record),
    createdAt: record.createdAt.toISOString(),
    createdBy: record.createdBy,
    expiresAt: record.expiresAt?.toISOString() ?? null,
    revokedAt: record.revokedAt?.toISOString() ?? null,
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
    rotatedFrom: record.rotatedFrom,
    replacedBy: record.replacedBy,
  };
}

export function issuedKeyView({ key, record }: IssuedKey): IssuedKeyView {
  return { ...keyView(record), key };
}
