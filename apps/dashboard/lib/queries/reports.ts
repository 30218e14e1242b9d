import 'server-only';
import type { ReportDoc } from '@reachline/shared/models';
import { Types } from 'mongoose';
import { getStore } from '../db';

/** A project-year's reports, newest month first (a dozen documents a year per project). */
export async function listReports(projectId: string, fiscalYear: number): Promise<ReportDoc[]> {
  const { models } = await getStore();
  const docs = await models.Report.find({ projectId: new Types.ObjectId(projectId), fiscalYear })
    .sort({ monthKey: -1 })
    .lean();
  return docs;
}

/** One report by `_id`. */
export async function getReport(id: string): Promise<ReportDoc | null> {
  if (!/^[0-9a-f]{24}$/.test(id)) return null;
  const { models } = await getStore();
  return await models.Report.findById(id).lean();
}
