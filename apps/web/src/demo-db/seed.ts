/**
 * The demo database's schema and data. Every value is derived from the row number with modular
 * arithmetic, so each start gives the same rows (tests and screenshots can rely on them) without
 * shipping a data file: Postgres generates them, which is much faster than inserting from JS.
 */
export const DEMO_COUNTS = {
  customers: 1000,
  products: 120,
  orders: 4000,
} as const;

const FIRST = `array['Ada','Grace','Alan','Edsger','Barbara','Donald','Margaret','Ken','Dennis','Frances','John','Radia','Linus','Guido','Anders','Bjarne','Niklaus','Leslie','Tony','Sophie']`;
const LAST = `array['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Hamilton','Thompson','Ritchie','Allen','Backus','Perlman','Torvalds','Rossum','Hejlsberg','Stroustrup','Wirth','Lamport','Hoare','Wilson']`;
const COUNTRIES = `array['US','DE','FR','GB','JP','BR','IN','CA','ES','NL']`;
const ADJECTIVES = `array['Compact','Deluxe','Ergonomic','Rugged','Smart','Classic','Wireless','Portable','Silent','Solar','Modular','Vintage']`;
const NOUNS = `array['Keyboard','Monitor','Lamp','Chair','Desk','Headset','Backpack','Camera','Speaker','Router']`;
const CATEGORIES = `array['Electronics','Office','Home','Outdoor','Audio']`;
const STATUSES = `array['pending','paid','shipped','delivered','cancelled']`;

export const DEMO_SEED_SQL = `
create table customers (
  id integer primary key,
  name text not null,
  email text not null unique,
  country char(2) not null,
  created_at timestamptz not null
);
create table products (
  id integer primary key,
  name text not null,
  category text not null,
  price numeric(10, 2) not null check (price > 0),
  in_stock boolean not null
);
create table orders (
  id integer primary key,
  customer_id integer not null references customers (id),
  status text not null,
  ordered_at timestamptz not null,
  shipped_at timestamptz
);
create table order_items (
  order_id integer not null references orders (id),
  line integer not null,
  product_id integer not null references products (id),
  quantity integer not null check (quantity > 0),
  unit_price numeric(10, 2) not null,
  primary key (order_id, line)
);

insert into customers
select i,
       (${FIRST})[1 + i % 20] || ' ' || (${LAST})[1 + (i * 7) % 20],
       'customer' || i || '@example.com',
       (${COUNTRIES})[1 + (i * 3) % 10],
       timestamptz '2023-01-01 00:00:00+00' + ((i * 37) % 730) * interval '1 day' + (i % 86400) * interval '1 second'
from generate_series(1, ${DEMO_COUNTS.customers}) as i;

insert into products
select i,
       (${ADJECTIVES})[1 + i % 12] || ' ' || (${NOUNS})[1 + (i * 7) % 10] || ' ' || i,
       (${CATEGORIES})[1 + (i * 3) % 5],
       round((5 + (i * 7919) % 49500 / 100.0)::numeric, 2),
       i % 7 <> 0
from generate_series(1, ${DEMO_COUNTS.products}) as i;

insert into orders
select i,
       1 + (i * 7919) % ${DEMO_COUNTS.customers},
       (${STATUSES})[1 + (i * 13) % 5],
       timestamptz '2024-01-01 00:00:00+00' + ((i * 53) % 540) * interval '1 day' + ((i * 997) % 86400) * interval '1 second',
       case when (i * 13) % 5 in (2, 3)
            then timestamptz '2024-01-01 00:00:00+00' + ((i * 53) % 540 + 1 + i % 4) * interval '1 day'
       end
from generate_series(1, ${DEMO_COUNTS.orders}) as i;

insert into order_items
select o, n, p.id, 1 + (o + n) % 5, p.price
from generate_series(1, ${DEMO_COUNTS.orders}) as o
cross join lateral generate_series(1, 1 + o % 4) as n
join products p on p.id = 1 + (o * 31 + n * 17) % ${DEMO_COUNTS.products};

create index orders_customer_id_idx on orders (customer_id);
create index order_items_product_id_idx on order_items (product_id);
create view customer_totals as
select c.id, c.name, c.country, count(distinct o.id) as orders,
       coalesce(sum(i.quantity * i.unit_price), 0) as total
from customers c
left join orders o on o.customer_id = c.id
left join order_items i on i.order_id = o.id
group by c.id;
analyze;
`;
