/**
 * Demo people: an international distributor of industrial supplies — head office in
 * Pennsylvania, reps in Germany, Japan, the Gulf, Iran, Brazil, China and Russia — with
 * customers and contacts whose names are written in their own scripts.
 */
import { fold, phoneDigits } from '../fold.js';
import type { Trx } from '../transaction.js';
import type { Rng } from './random.js';

export interface Region {
  team: string;
  country: string;
  city: string[];
  tz: string;
  phone: string;
  tld: string;
  first: string[];
  last: string[];
  companyPatterns: ((a: string, b: string) => string)[];
  companyWords: string[];
  latin: boolean;
  reps: number;
}

export const REGIONS: Region[] = [
  {
    team: 'East (Philadelphia HQ)', country: 'United States', city: ['Philadelphia', 'Pittsburgh', 'Allentown', 'Harrisburg', 'Newark'], tz: 'America/New_York', phone: '+1 215 555', tld: 'com',
    first: ['Sarah', 'Michael', 'Jennifer', 'David', 'Emily', 'James', 'Olivia', 'Robert', 'Grace', 'Daniel', 'Megan', 'Kevin'],
    last: ['Miller', 'Johnson', 'Brown', 'Walsh', 'Kowalski', 'Nguyen', 'Garcia', "O'Neill", 'Schmidt', 'Fischer', 'Reyes', 'Carter'],
    companyPatterns: [(a, b) => `${a} ${b} Inc.`, (a, b) => `${a} ${b} LLC`, (a) => `${a} Supply Co.`],
    companyWords: ['Keystone', 'Liberty', 'Delaware Valley', 'Allegheny', 'Susquehanna', 'Brandywine', 'Penn', 'Lehigh', 'Schuylkill', 'Conestoga'],
    latin: true, reps: 14,
  },
  {
    team: 'DACH (Munich)', country: 'Germany', city: ['München', 'Stuttgart', 'Köln', 'Düsseldorf', 'Nürnberg', 'Wien', 'Zürich'], tz: 'Europe/Berlin', phone: '+49 89 5555', tld: 'de',
    first: ['Jürgen', 'Anna', 'Lukas', 'Sophie', 'Matthias', 'Lena', 'Stefan', 'Katrin', 'Jörg', 'Björn', 'Ute'],
    last: ['Müller', 'Schäfer', 'Weiß', 'Groß', 'Hoffmann', 'Becker', 'Köhler', 'Krüger', 'Zimmermann', 'Bäcker'],
    companyPatterns: [(a, b) => `${a} ${b} GmbH`, (a, b) => `${a}-${b} AG`, (a) => `${a} Maschinenbau GmbH`],
    companyWords: ['Bayern', 'Rhein', 'Isar', 'Schwaben', 'Alpen', 'Donau', 'Hanse', 'Elbe', 'Präzision', 'Antriebstechnik'],
    latin: true, reps: 8,
  },
  {
    team: 'Japan (Osaka)', country: 'Japan', city: ['大阪', '東京', '名古屋', '神戸', '京都'], tz: 'Asia/Tokyo', phone: '+81 6 5555', tld: 'jp',
    first: ['健二', '由美', '翔太', '美咲', '大輔', '陽子', '拓也', '直美'],
    last: ['佐藤', '鈴木', '高橋', '田中', '渡辺', '伊藤', '山本', '中村'],
    companyPatterns: [(a) => `株式会社${a}製作所`, (a, b) => `${a}${b}工業株式会社`, (a) => `${a}商事株式会社`],
    companyWords: ['大和', '浪速', '近畿', '富士', '日本', '関西', '東洋', '光'],
    latin: false, reps: 7,
  },
  {
    team: 'Middle East (Dubai)', country: 'United Arab Emirates', city: ['دبي', 'أبو ظبي', 'الرياض', 'الدوحة'], tz: 'Asia/Dubai', phone: '+971 4 555', tld: 'ae',
    first: ['محمد', 'فاطمة', 'أحمد', 'مريم', 'خالد', 'نورة', 'عمر', 'ليلى'],
    last: ['الهاشمي', 'المنصوري', 'العتيبي', 'الشامسي', 'القاسمي', 'الكعبي'],
    companyPatterns: [(a) => `شركة ${a} للتجارة`, (a, b) => `مؤسسة ${a} ${b}`, (a) => `${a} للصناعات`],
    companyWords: ['الخليج', 'النور', 'الصحراء', 'الواحة', 'المستقبل', 'الأمل'],
    latin: false, reps: 5,
  },
  {
    team: 'Iran (Tehran)', country: 'Iran', city: ['تهران', 'اصفهان', 'شیراز', 'تبریز'], tz: 'Asia/Tehran', phone: '+98 21 5555', tld: 'ir',
    first: ['سارا', 'علی', 'مریم', 'رضا', 'نگار', 'حسین', 'پریسا', 'کاوه'],
    last: ['رحیمی', 'محمدی', 'حسینی', 'کریمی', 'احمدی', 'جعفری', 'صادقی'],
    companyPatterns: [(a) => `${a} صنعت`, (a, b) => `گروه ${a} ${b}`, (a) => `بازرگانی ${a}`],
    companyWords: ['پارس', 'البرز', 'آریا', 'سپاهان', 'کاسپین', 'زاگرس'],
    latin: false, reps: 4,
  },
  {
    team: 'LatAm (São Paulo)', country: 'Brazil', city: ['São Paulo', 'Campinas', 'Curitiba', 'Belo Horizonte'], tz: 'America/Sao_Paulo', phone: '+55 11 5555', tld: 'br',
    first: ['João', 'Ana', 'Luís', 'Mariana', 'Conceição', 'Thiago', 'Beatriz'],
    last: ['Silva', 'Gonçalves', 'Araújo', 'Souza', 'Pereira', 'Lima', 'Conceição'],
    companyPatterns: [(a, b) => `${a} ${b} Ltda.`, (a) => `Comercial ${a} S.A.`, (a) => `Indústrias ${a}`],
    companyWords: ['Paulista', 'Tietê', 'Atlântico', 'Cerrado', 'Ipiranga', 'Horizonte'],
    latin: true, reps: 5,
  },
  {
    team: 'China (Shanghai)', country: 'China', city: ['上海', '苏州', '杭州', '深圳'], tz: 'Asia/Shanghai', phone: '+86 21 5555', tld: 'cn',
    first: ['伟', '芳', '娜', '强', '敏', '静', '磊'],
    last: ['王', '李', '张', '刘', '陈', '杨', '赵'],
    companyPatterns: [(a) => `上海${a}贸易有限公司`, (a, b) => `${a}${b}机械有限公司`],
    companyWords: ['华东', '长江', '东方', '新华', '恒通', '金桥'],
    latin: false, reps: 4,
  },
  {
    team: 'CIS (Moscow)', country: 'Russia', city: ['Москва', 'Санкт-Петербург', 'Екатеринбург'], tz: 'Europe/Moscow', phone: '+7 495 555', tld: 'ru',
    first: ['Иван', 'Ольга', 'Дмитрий', 'Елена', 'Сергей', 'Наталья'],
    last: ['Иванов', 'Смирнова', 'Кузнецов', 'Попова', 'Соколов', 'Волкова'],
    companyPatterns: [(a) => `ООО «${a}»`, (a, b) => `АО «${a}${b}»`],
    companyWords: ['Техснаб', 'Промресурс', 'Волга', 'Сибирь', 'Урал', 'Север'],
    latin: false, reps: 3,
  },
];

const INDUSTRIES = ['Manufacturing', 'Automotive', 'Food & Beverage', 'Construction', 'Energy', 'Logistics', 'Chemicals', 'Pharmaceuticals', 'Retail', 'Utilities'];
const SOURCES = ['referral', 'web', 'trade show', 'cold call', 'partner', 'newsletter', 'linkedin'];
const TITLES = ['Purchasing Manager', 'Plant Manager', 'Head of Procurement', 'Operations Director', 'CFO', 'Maintenance Lead', 'Buyer', 'CEO'];
const LATIN_ASCII: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', é: 'e', ã: 'a', á: 'a', ç: 'c', í: 'i', ó: 'o', ô: 'o', ê: 'e', ú: 'u', "'": '' };

function asciiSlug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[äöüßéãáçíóôêú']/g, (c) => LATIN_ASCII[c] ?? c)
    .replace(/[^a-z0-9]+/g, '');
}

/** A rep handle that reads well in any script: latin names as first.last, others by region. */
function repHandle(region: Region, first: string, last: string, n: number): string {
  return region.latin ? `${asciiSlug(first)}.${asciiSlug(last)}` : `${region.tld}${String(n).padStart(2, '0')}`;
}

export interface PeopleSeed {
  userIds: number[];
  repIdsByTeam: Map<string, number[]>;
  companyIds: number[];
  contactIds: number[];
}

function isoDaysAgo(now: Date, days: number, rng: Rng): string {
  return new Date(now.getTime() - days * 86400000 - rng.int(0, 86399) * 1000).toISOString();
}

export async function seedPeople(trx: Trx, rng: Rng, now: Date): Promise<PeopleSeed> {
  const created = isoDaysAgo(now, 540, rng);
  const users: { handle: string; name: string; email: string; role: 'rep' | 'manager' | 'agent' | 'admin'; team: string; timezone: string; created_at: string; updated_at: string }[] = [];
  const handles = new Set<string>();
  let n = 0;
  for (const region of REGIONS) {
    for (let i = 0; i < region.reps; i++) {
      n++;
      let first: string, last: string, handle: string;
      do {
        first = rng.pick(region.first);
        last = rng.pick(region.last);
        handle = repHandle(region, first, last, n);
      } while (handles.has(handle));
      handles.add(handle);
      const name = region.latin ? `${first} ${last}` : region.tld === 'jp' || region.tld === 'cn' ? `${last}${region.tld === 'jp' ? ' ' : ''}${first}` : `${first} ${last}`;
      users.push({ handle, name, email: `${handle}@northwind-industrial.com`, role: i === 0 ? 'manager' : 'rep', team: region.team, timezone: region.tz, created_at: created, updated_at: created });
    }
  }
  users.push({ handle: 'admin', name: 'CRM Admin', email: 'admin@northwind-industrial.com', role: 'admin', team: 'East (Philadelphia HQ)', timezone: 'America/New_York', created_at: created, updated_at: created });
  for (const [handle, name] of [
    ['support.anna', 'Anna Keller'],
    ['support.kenji', 'Kenji Mori'],
    ['support.lucia', 'Lucía Fernández'],
    ['support.omar', 'Omar Haddad'],
  ] as const) {
    users.push({ handle, name, email: `${handle}@northwind-industrial.com`, role: 'agent', team: 'Support', timezone: 'America/New_York', created_at: created, updated_at: created });
  }
  const userRows = await trx.insertInto('users').values(users).returning(['id', 'team', 'role']).execute();
  const repIdsByTeam = new Map<string, number[]>();
  for (const u of userRows) {
    if (u.role !== 'rep' && u.role !== 'manager') continue;
    const list = repIdsByTeam.get(u.team!) ?? [];
    list.push(u.id);
    repIdsByTeam.set(u.team!, list);
  }

  const companyIds: number[] = [];
  const contactIds: number[] = [];
  const companyNames = new Set<string>();
  let contactN = 0;
  for (const region of REGIONS) {
    const reps = repIdsByTeam.get(region.team)!;
    const companyCount = region.reps * 4;
    for (let i = 0; i < companyCount; i++) {
      let name: string;
      let tries = 0;
      do {
        name = rng.pick(region.companyPatterns)(rng.pick(region.companyWords), rng.pick(region.companyWords));
        if (++tries > 20) name = `${name} ${i + 1}`;
      } while (companyNames.has(name));
      companyNames.add(name);
      const domain = `${region.latin ? asciiSlug(name).slice(0, 18) : `${region.tld}-customer-${i + 1}`}.example`;
      const createdAt = isoDaysAgo(now, rng.int(30, 540), rng);
      const owner = rng.pick(reps);
      const co = await trx
        .insertInto('companies')
        .values({
          name, name_fold: fold(name), domain, industry: rng.pick(INDUSTRIES), phone: `${region.phone} ${String(rng.int(1000, 9999))}`,
          city: rng.pick(region.city), country: region.country, tier: rng.pick(['A', 'B', 'B', 'C', 'C', 'C']), source: rng.pick(SOURCES),
          owner_id: owner, created_at: createdAt, updated_at: createdAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      companyIds.push(co.id);
      if (rng.chance(0.2)) await trx.insertInto('tags').values({ entity_type: 'company', entity_id: co.id, tag: rng.pick(['key-account', 'distributor', 'reseller']) }).execute();
      const people = rng.int(2, 7);
      for (let p = 0; p < people; p++) {
        contactN++;
        const first = rng.pick(region.first);
        const last = rng.pick(region.last);
        const local = region.latin ? `${asciiSlug(first)}.${asciiSlug(last)}` : 'contact';
        const email = rng.chance(0.9) ? `${local}${contactN}@${domain}` : null;
        const phone = `${region.phone} ${String(rng.int(1000, 9999))}`;
        const cCreated = isoDaysAgo(now, rng.int(1, 500), rng);
        const lifecycle = rng.pick(['lead', 'lead', 'prospect', 'prospect', 'customer', 'customer', 'customer', 'inactive'] as const);
        const values = {
          first_name: first, last_name: last, title: rng.pick(TITLES), email, email_norm: email?.toLowerCase() ?? null, phone,
          company_id: co.id, company_role: rng.pick(['decision maker', 'champion', 'influencer', 'user', 'technical buyer']),
          lifecycle, source: rng.pick(SOURCES), owner_id: owner, created_at: cCreated, updated_at: cCreated,
          search_text: [fold(first), fold(last), fold(email), phone, phoneDigits(phone)].filter(Boolean).join(' '),
        };
        const c = await trx.insertInto('contacts').values(values).returning('id').executeTakeFirstOrThrow();
        contactIds.push(c.id);
        if (rng.chance(0.12)) await trx.insertInto('tags').values({ entity_type: 'contact', entity_id: c.id, tag: 'vip' }).execute();
      }
    }
  }
  return { userIds: userRows.map((u) => u.id), repIdsByTeam, companyIds, contactIds };
}
