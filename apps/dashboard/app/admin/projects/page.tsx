import { AdminForm } from '../../../components/admin/AdminForm';
import { StoreErrorBox } from '../../../components/StoreErrorBox';
import { AdminNav } from '../../../components/admin/AdminNav';
import { requireRole } from '../../../lib/auth/guard';
import { getI18n } from '../../../lib/i18n/server';
import { type AdminProjectRow, listAdminProjects } from '../../../lib/queries/adminProjects';
import { addProject } from './actions';

export const dynamic = 'force-dynamic';

export default async function AdminProjectsPage() {
  await requireRole('admin', '/admin/projects');
  const { lang, t } = await getI18n();
  let projects: AdminProjectRow[];
  try {
    projects = await listAdminProjects();
  } catch (err) {
    return <StoreErrorBox error={err} t={t} />;
  }
  return (
    <>
      <AdminNav t={t} current="/admin/projects" />
      <h1>{t('adminProjects')}</h1>
      <p className="tagline">{t('adminProjectsIntro')}</p>

      <section aria-labelledby="project-list">
        <h2 id="project-list">{t('adminProjectList')}</h2>
        {projects.length === 0 ? (
          <p>{t('adminProjectNone')}</p>
        ) : (
          <div className="table-scroll">
            <table data-testid="projects">
              <thead>
                <tr>
                  <th scope="col">{t('adminProjectSlug')}</th>
                  <th scope="col">{t('adminProjectName')}</th>
                  <th scope="col" className="num">
                    {t('adminProjectOrder')}
                  </th>
                  <th scope="col">{t('adminProjectYears')}</th>
                </tr>
              </thead>
              <tbody>
                {projects.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <a href={`/admin/projects/${p.slug}`}>{p.slug}</a>
                    </td>
                    <td>{lang === 'en' && p.nameEn ? p.nameEn : p.name}</td>
                    <td className="num">{p.order}</td>
                    <td>
                      {p.years.length === 0
                        ? t('none')
                        : p.years.map((fy, i) => (
                            <span key={fy}>
                              {i > 0 ? ', ' : ''}
                              <a href={`/admin/projects/${p.slug}?fy=${fy}`}>{fy}</a>
                            </span>
                          ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="new-project" className="admin-panel">
        <h2 id="new-project">{t('adminProjectNew')}</h2>
        <AdminForm
          action={addProject}
          submitLabel={t('adminProjectAdd')}
          workingLabel={t('adminWorking')}
          testId="project-add"
          resetOnSuccess
        >
          <label htmlFor="p-slug">{t('adminProjectSlug')}</label>
          <input id="p-slug" name="slug" required maxLength={40} autoComplete="off" />
          <label htmlFor="p-name">{t('adminProjectName')}</label>
          <input id="p-name" name="name" required maxLength={200} autoComplete="off" />
          <label htmlFor="p-name-en">{t('adminProjectNameEn')}</label>
          <input id="p-name-en" name="nameEn" maxLength={200} autoComplete="off" />
          <label htmlFor="p-order">{t('adminProjectOrder')}</label>
          <input id="p-order" name="order" inputMode="numeric" defaultValue="1" required />
        </AdminForm>
      </section>
    </>
  );
}
