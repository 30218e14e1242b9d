import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Reachline',
  description: 'Reach of every infographic against the 3,000 line and the year’s KPI',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="th">
      <body>
        <a className="skip-link" href="#main">
          ข้ามไปยังเนื้อหา / Skip to content
        </a>
        <header className="topbar">
          <span className="brand">Reachline</span>
          <span className="tagline">ติดตามยอดการเข้าถึงอินโฟกราฟิก · Infographic reach tracker</span>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
