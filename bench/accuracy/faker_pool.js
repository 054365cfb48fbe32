// Values for the evaluation documents from @faker-js/faker's en_GB locale
// (people's names, streets, towns, companies), seeded: the same every run.
//   node bench/accuracy/faker_pool.js > pool.json
const { fakerEN_GB: f } = require("@faker-js/faker");
f.seed(20261127);
const n = 3000;
const pool = { first: [], last: [], street: [], town: [], company: [], job: [] };
for (let i = 0; i < n; i++) {
  pool.first.push(f.person.firstName());
  pool.last.push(f.person.lastName());
}
for (let i = 0; i < 600; i++) {
  pool.street.push(f.location.street());
  pool.town.push(f.location.city());
  pool.company.push(f.company.name());
  pool.job.push(f.person.jobTitle());
}
process.stdout.write(JSON.stringify(pool));
