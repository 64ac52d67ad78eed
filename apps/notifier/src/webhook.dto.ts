import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { isElementSymbol, isJurisdiction } from '@ledger/contracts';
import { POLICY_EVENT_TYPES } from './notifier-subscription';

const LIST_MAX = 200;

/** What a webhook watches. Every list given must match an event; a list left out does not filter. */
export class WatchDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIST_MAX)
  @IsIn(POLICY_EVENT_TYPES, {
    each: true,
    message: `each event type must be one of ${POLICY_EVENT_TYPES.join(', ')}`,
  })
  eventTypes?: string[];

  /** HS code prefixes: `8517` watches `85171300`. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIST_MAX)
  @IsString({ each: true })
  @Matches(/^\d{2,10}$/, { each: true, message: 'each HS code prefix must be 2 to 10 digits' })
  hsCodes?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIST_MAX)
  @ValidateBy(
    { name: 'isElementSymbol', validator: { validate: (value: unknown) => isElementSymbol(value) } },
    { each: true, message: 'each element must be a chemical element symbol, e.g. Dy' },
  )
  elements?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIST_MAX)
  @ValidateBy(
    {
      name: 'isJurisdiction',
      validator: { validate: (value: unknown) => isJurisdiction(value, { allowAll: false }) },
    },
    { each: true, message: 'each imposer must be an ISO 3166-1 alpha-2 country code or EU' },
  )
  imposers?: string[];
}

/** A webhook registration. The secret is never sent: the notifier makes it and answers it once. */
export class RegisterWebhookDto {
  @IsDefined({ message: 'url is required' })
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http(s) URL' },
  )
  @MaxLength(2000)
  url!: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WatchDto)
  watch?: WatchDto;
}
