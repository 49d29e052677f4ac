import { z } from 'zod';

/**
 * Fideslang dataset YAML, as Fides users write it. Every key fideslang defines is accepted
 * so unchanged Fides files load; anything else is an error with a "did you mean".
 */

const fidesKey = z.string().regex(/^[A-Za-z0-9_.<>-]+$/, 'a fides_key uses letters, digits, _ . - < >');

export const fieldReferenceSchema = z.strictObject({
  dataset: z.string(),
  /** `collection.field` (dotted path for nested fields). */
  field: z.string(),
  direction: z.enum(['to', 'from']).optional(),
});

export const fieldMetaSchema = z.strictObject({
  references: z.array(fieldReferenceSchema).nullish(),
  identity: z.string().nullish(),
  primary_key: z.boolean().nullish(),
  data_type: z.string().nullish(),
  length: z.number().int().nullish(),
  return_all_elements: z.boolean().nullish(),
  read_only: z.boolean().nullish(),
  custom_request_field: z.string().nullish(),
});

export interface DatasetField {
  name: string;
  description?: string | null | undefined;
  data_categories?: string[] | null | undefined;
  data_qualifier?: string | null | undefined;
  retention?: string | null | undefined;
  fides_meta?: z.infer<typeof fieldMetaSchema> | null | undefined;
  fields?: DatasetField[] | null | undefined;
}

export const datasetFieldSchema: z.ZodType<DatasetField> = z.lazy(() =>
  z.strictObject({
    name: z.string().min(1),
    description: z.string().nullish(),
    data_categories: z.array(z.string()).nullish(),
    data_qualifier: z.string().nullish(),
    retention: z.string().nullish(),
    fides_meta: fieldMetaSchema.nullish(),
    fields: z.array(datasetFieldSchema).nullish(),
  }),
);

export const collectionMetaSchema = z.strictObject({
  after: z.array(z.string()).nullish(),
  erase_after: z.array(z.string()).nullish(),
  skip_processing: z.boolean().nullish(),
  masking_strategy_override: z
    .strictObject({ strategy: z.string(), configuration: z.record(z.string(), z.unknown()).nullish() })
    .nullish(),
  partitioning: z.unknown().nullish(),
});

export const collectionSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().nullish(),
  data_categories: z.array(z.string()).nullish(),
  data_qualifier: z.string().nullish(),
  retention: z.string().nullish(),
  fields: z.array(datasetFieldSchema),
  fides_meta: collectionMetaSchema.nullish(),
});

export const datasetMetaSchema = z.strictObject({
  after: z.array(z.string()).nullish(),
  namespace: z.record(z.string(), z.unknown()).nullish(),
});

export const datasetSchema = z.strictObject({
  fides_key: fidesKey,
  organization_fides_key: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  name: z.string().nullish(),
  description: z.string().nullish(),
  meta: z.record(z.string(), z.unknown()).nullish(),
  data_categories: z.array(z.string()).nullish(),
  data_qualifier: z.string().nullish(),
  fides_meta: datasetMetaSchema.nullish(),
  joint_controller: z.unknown().nullish(),
  retention: z.string().nullish(),
  third_country_transfers: z.array(z.string()).nullish(),
  collections: z.array(collectionSchema),
});

/** A dataset file: the top-level `dataset:` list, as `fides pull` writes it. */
export const datasetFileSchema = z.strictObject({
  dataset: z.array(datasetSchema),
});

export type Dataset = z.infer<typeof datasetSchema>;
export type Collection = z.infer<typeof collectionSchema>;
export type FieldReference = z.infer<typeof fieldReferenceSchema>;

/** Every field of a collection with its dotted path, nested JSON fields included. */
export function flattenFields(
  fields: readonly DatasetField[],
  prefix = '',
): { path: string; field: DatasetField }[] {
  const out: { path: string; field: DatasetField }[] = [];
  for (const field of fields) {
    const path = prefix ? `${prefix}.${field.name}` : field.name;
    out.push({ path, field });
    if (field.fields?.length) out.push(...flattenFields(field.fields, path));
  }
  return out;
}
