import { Schema, type Types } from 'mongoose';
import { stableObjectId } from './ids';

/**
 * A KPI the office tracks (collection `projects`): the seed's infographic project first; others
 * (say, video clips that must reach 5,000 views) can be added, each with its own settings per
 * fiscal year in `kpi_settings`. A story belongs to one project.
 */
export interface ProjectDoc {
  _id: Types.ObjectId;
  /** Short stable name used in URLs and ids, e.g. `infographics`. */
  slug: string;
  name: string;
  nameEn: string;
  /** Projects' rules are tried in this order when a post is discovered; lowest first. */
  order: number;
  createdAt?: Date;
  updatedAt?: Date;
}

/** The office's infographic project: every piece of data without a project belongs to it. */
export const DEFAULT_PROJECT = {
  slug: 'infographics',
  name: 'การเผยแพร่อินโฟกราฟิกเพื่อสร้างภาพลักษณ์ของกรุงเทพมหานคร',
  nameEn: 'Infographics for the image of Bangkok',
  order: 0,
} as const;

export function projectObjectId(slug: string): Types.ObjectId {
  return stableObjectId(`project:${slug}`);
}

export const DEFAULT_PROJECT_ID = projectObjectId(DEFAULT_PROJECT.slug);

export const projectSchema = new Schema<ProjectDoc>(
  {
    slug: { type: String, required: true, match: /^[a-z0-9][a-z0-9-]{0,39}$/ },
    name: { type: String, required: true, trim: true, minlength: 1, maxlength: 200 },
    nameEn: { type: String, default: '', trim: true, maxlength: 200 },
    order: { type: Number, default: 0 },
  },
  { collection: 'projects', autoIndex: false, timestamps: true, versionKey: false },
);

projectSchema.index({ slug: 1 }, { unique: true });
