// Journey 2, with JavaScript disabled: the system admin imports organisations, then people
// through a file with a mistake in it (nothing is imported, the problem is named by line and
// column), then the corrected file, and finds an imported person in the People list.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openBrowser, visit, submit, signIn, h1, journey, ADMIN } from './harness.mjs';

const ORGANISATIONS = `code,name,kind,sector,ownership,email_domains,place,system
E2E01,Riverside Hospitals NHS Trust,nhs-trust,health,public,riverside-e2e.nhs.uk,Riverside,North ICS
E2E02,Oak House Care,care-provider,social-care,independent,oakhouse-e2e.example.org,Riverside,North ICS
`;

const PEOPLE_HEADER = 'staff_number,first_name,last_name,email,job_title,profession,level,organisation,line_manager_staff_number,start_date\n';
const ADA = '5001,Ada,Okafor,ada.okafor@riverside-e2e.nhs.uk,Chief Nurse,Nursing,vsm,E2E01,,2019-04-01\n';
const BEN_BAD = '5002,Ben,Shah,ben.shah.at.riverside,Matron,Nursing,band-8a,E2E01,5001,2020-06-01\n';
const BEN = '5002,Ben,Shah,ben.shah@riverside-e2e.nhs.uk,Matron,Nursing,band-8a,E2E01,5001,2020-06-01\n';
const CY = '5003,Cy,Lee,cy.lee@oakhouse-e2e.example.org,Team leader,Social care,team-leader,E2E02,,\n';

test('the system admin imports organisations and people, without JavaScript', { timeout: 180_000 }, async () => {
  const app = await startApp();
  const browser = await openBrowser({ javaScriptEnabled: false });
  const { page } = browser;
  const main = page.locator('main');
  const files = {
    organisations: app.file('organisations.csv', ORGANISATIONS),
    peopleWithMistake: app.file('people-with-a-mistake.csv', PEOPLE_HEADER + ADA + BEN_BAD + CY),
    people: app.file('people.csv', PEOPLE_HEADER + ADA + BEN + CY),
  };

  /** Goes through the import form with one file. */
  async function importFile(kind, path) {
    await page.locator(`main input[type="radio"][name="kind"][value="${kind}"]`).check();
    await page.locator('main input[type="file"][name="file"]').setInputFiles(path);
    await submit(page, main.getByRole('button', { name: 'Import file' }));
  }

  try {
    await journey('import', app, page, async () => {

      await signIn(page, app, ADMIN.email, ADMIN.password);
      assert.equal(new URL(page.url()).pathname, '/', 'the admin lands on the home page');
      assert.match(await h1(page), new RegExp(ADMIN.name));
      assert.equal(await page.evaluate(() => document.body.classList.contains('js-enabled')), false, 'the page\'s scripts did not run');
      const header = page.locator('header');
      for (const label of ['Home', 'My profile', 'Organisations', 'People', 'Import']) {
        assert.equal(await header.getByRole('link', { name: label, exact: true }).count(), 1, `the admin's header links to ${label}`);
      }

      // Organisations.
      await submit(page, header.getByRole('link', { name: 'Import', exact: true }));
      assert.equal(new URL(page.url()).pathname, '/admin/import');
      await importFile('organisations', files.organisations);
      assert.equal(await h1(page), 'Import complete', 'the organisations file is imported');
      assert.match(await main.innerText(), /created/);

      // People, with an invalid email on line 3: nothing is imported, and the problem is named.
      await visit(page, app, '/admin/import');
      await importFile('people', files.peopleWithMistake);
      const summary = page.locator('.nhsuk-error-summary');
      assert.equal(await summary.count(), 1, 'a file with a mistake shows an error summary');
      const problems = await summary.innerText();
      assert.match(problems, /Nothing was imported/);
      assert.match(problems, /line 3, column email: \S/, `the summary names line 3's email; it reads:\n${problems}`);
      assert.doesNotMatch(problems, /line [24],/, 'only the bad line is named');

      await visit(page, app, '/people');
      assert.ok(!(await main.innerText()).includes('Okafor'), 'nothing from the file with a mistake was imported');

      // The corrected file.
      await visit(page, app, '/admin/import');
      await importFile('people', files.people);
      assert.equal(await h1(page), 'Import complete', 'the corrected people file is imported');
      assert.match(await main.innerText(), /created/);

      // The People list shows them.
      await submit(page, header.getByRole('link', { name: 'People', exact: true }));
      assert.equal(new URL(page.url()).pathname, '/people');
      const people = await main.innerText();
      for (const name of ['Ada Okafor', 'Ben Shah', 'Cy Lee']) {
        assert.ok(people.includes(name), `the People list shows ${name}; it reads:\n${people}`);
      }
    });
  } finally {
    await browser.close();
    await app.stop();
  }
});
