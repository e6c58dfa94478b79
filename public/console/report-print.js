// The printable period report (/api/reports/period.html): its "In báo cáo" button. Kept out of the page because
// the console's CSP runs no inline script.
document.getElementById('print-report')?.addEventListener('click', () => window.print());
