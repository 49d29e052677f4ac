import { z } from 'zod';
import { noticeLanguages } from '../notice/i18n/translator.ts';
import { requestType } from '../program/schema.ts';

const shortText = (max: number) => z.string().trim().min(1).max(max);

/** Identity type → value(s). `email` is required: it is where the person is answered. */
export const identitiesSchema = z
  .record(
    z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'an identity type such as email, phone_number or customer_id'),
    z.union([shortText(200), z.array(shortText(200)).min(1).max(3)]),
  )
  .refine((r) => Object.keys(r).length <= 6, 'at most 6 identity types')
  .transform((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])))
  .pipe(
    z.record(z.string(), z.array(z.string())).refine((r) => r.email?.length, {
      message: 'an email address is required',
      path: ['email'],
    }),
  )
  .pipe(
    z.record(z.string(), z.array(z.string())).superRefine((r, ctx) => {
      for (const [i, value] of (r.email ?? []).entries()) {
        if (!z.email().safeParse(value).success)
          ctx.addIssue({ code: 'custom', message: 'not a valid email address', path: ['email', i] });
      }
    }),
  );

export const requestDetailsSchema = z
  .strictObject({
    /** Rectification: field (`<dataset>:<collection>.<field>` or `<collection>.<field>`) → the corrected value. */
    correction: z
      .record(z.string().min(1).max(100), z.string().max(500))
      .refine((r) => Object.keys(r).length > 0 && Object.keys(r).length <= 20, '1 to 20 corrections')
      .optional(),
    /**
     * Rectification as the person puts it: data category they say is wrong (one the program
     * declares, e.g. `user.contact.address.city`) → the correct value. Pre-fills `correction`.
     */
    category_corrections: z
      .record(z.string().regex(/^[a-z0-9_.]{1,100}$/, 'a data category such as user.name'), shortText(500))
      .refine((r) => Object.keys(r).length > 0 && Object.keys(r).length <= 20, '1 to 20 corrections')
      .optional(),
    /** Rectification of something no category covers, in the person's words. */
    correction_text: shortText(2000).optional(),
    /** Objection or restriction: which processing (data uses, activity keys, or `direct_marketing`). */
    processing: z.array(shortText(100)).min(1).max(20).optional(),
    /** What the person wants to add in their own words. */
    note: z.string().max(2000).optional(),
  })
  .default({});

export const agentSchema = z.strictObject({
  name: shortText(200),
  email: z.email().max(254),
});

/** A request as the company's app or the privacy center submits it (validated at the edge). */
/** The language the person asked in: the request's mails and status page use it. */
export const requestLanguage = z
  .enum(noticeLanguages)
  .optional()
  .describe(
    'Language the person made the request in, one the program publishes (notice.languages); its mails and status page are written in it. Default: the first published language',
  );

export const submitRequestSchema = z.strictObject({
  type: requestType,
  jurisdiction: z.enum(['gdpr', 'uk_gdpr', 'ccpa']),
  identities: identitiesSchema,
  details: requestDetailsSchema,
  /** The app vouches that the person is signed in to this account (API only). */
  verified_account: z.strictObject({ account_id: shortText(200) }).optional(),
  /** An authorized agent acting for the person (the permission file travels separately). */
  agent: agentSchema.optional(),
  /** The caller's own id for the request (OpenDSR subject_request_id). */
  external_id: shortText(200).optional(),
  lang: requestLanguage,
});
export type SubmitRequestInput = z.infer<typeof submitRequestSchema>;

/** An agent's signed permission, kept with the request. */
export interface PermissionFile {
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}
