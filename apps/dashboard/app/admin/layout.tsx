import type { ReactNode } from 'react';
import './admin.css';

/** Styles only: every admin page and action checks the admin role itself (layouts do not run for actions). */
export default function AdminLayout({ children }: { children: ReactNode }) {
  return children;
}
