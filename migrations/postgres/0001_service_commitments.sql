-- Service commitments: the utility's published time limits (domain brief §3, §5-7),
-- versioned. A new limit is a new row with a higher version and the day it takes effect;
-- rows are never edited, so every past answer can be reproduced.
CREATE TABLE service_commitments (
    id             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code           TEXT    NOT NULL CHECK (char_length(code) BETWEEN 1 AND 64),
    area           TEXT    NOT NULL CHECK (area IN ('connection', 'complaint', 'meter_test', 'reconnection', 'outage', 'repair')),
    limit_value    BIGINT  NOT NULL CHECK (limit_value > 0),
    unit           TEXT    NOT NULL CHECK (unit IN ('working_days', 'calendar_days', 'hours', 'minutes')),
    version        BIGINT  NOT NULL CHECK (version > 0),
    effective_from TEXT    NOT NULL CHECK (effective_from ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    sort_order     BIGINT  NOT NULL,
    source         TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    UNIQUE (code, version)
);

CREATE INDEX service_commitments_by_code_and_day ON service_commitments (code, effective_from);

-- The defaults of the domain brief, in force from 2025-01-01.
INSERT INTO service_commitments (code, area, limit_value, unit, version, effective_from, sort_order, source, created_at) VALUES
    ('connection.total.residential',        'connection',   5,  'working_days',  1, '2025-01-01', 10,  'published commitments (获得电力)', '2025-01-01T00:00:00Z'),
    ('connection.total.lv_non_residential', 'connection',   6,  'working_days',  1, '2025-01-01', 20,  'published commitments (获得电力)', '2025-01-01T00:00:00Z'),
    ('connection.total.hv_single',          'connection',   22, 'working_days',  1, '2025-01-01', 30,  'published commitments (获得电力)', '2025-01-01T00:00:00Z'),
    ('connection.total.hv_dual',            'connection',   32, 'working_days',  1, '2025-01-01', 40,  'published commitments (获得电力)', '2025-01-01T00:00:00Z'),
    ('connection.scheme_reply.residential', 'connection',   3,  'working_days',  1, '2025-01-01', 50,  'published commitments (获得电力)', '2025-01-01T00:00:00Z'),
    ('connection.scheme_reply.lv',          'connection',   7,  'working_days',  1, '2025-01-01', 60,  'published commitments (获得电力)', '2025-01-01T00:00:00Z'),
    ('connection.scheme_reply.hv_single',   'connection',   15, 'working_days',  1, '2025-01-01', 70,  'published commitments (获得电力)', '2025-01-01T00:00:00Z'),
    ('connection.scheme_reply.hv_dual',     'connection',   30, 'working_days',  1, '2025-01-01', 80,  'published commitments (获得电力)', '2025-01-01T00:00:00Z'),
    ('connection.energise.residential',     'connection',   3,  'working_days',  1, '2025-01-01', 90,  'published commitments (获得电力)', '2025-01-01T00:00:00Z'),
    ('connection.energise.non_residential', 'connection',   5,  'working_days',  1, '2025-01-01', 100, 'published commitments (获得电力)', '2025-01-01T00:00:00Z'),
    ('complaint.first_contact',             'complaint',    1,  'working_days',  1, '2025-01-01', 110, 'complaint handling rules', '2025-01-01T00:00:00Z'),
    ('complaint.reply',                     'complaint',    7,  'working_days',  1, '2025-01-01', 120, 'complaint handling rules', '2025-01-01T00:00:00Z'),
    ('complaint.meter_anomaly',             'complaint',    4,  'working_days',  1, '2025-01-01', 130, 'complaint handling rules', '2025-01-01T00:00:00Z'),
    ('complaint.service_request',           'complaint',    5,  'working_days',  1, '2025-01-01', 140, 'complaint handling rules', '2025-01-01T00:00:00Z'),
    ('meter_test.result',                   'meter_test',   5,  'working_days',  1, '2025-01-01', 150, 'complaint handling rules', '2025-01-01T00:00:00Z'),
    ('reconnection.after_payment',          'reconnection', 24, 'hours',         1, '2025-01-01', 160, 'prepaid and arrears rules', '2025-01-01T00:00:00Z'),
    ('outage.planned_notice',               'outage',       7,  'calendar_days', 1, '2025-01-01', 170, 'outage notice rules', '2025-01-01T00:00:00Z'),
    ('outage.temporary_notice',             'outage',       24, 'hours',         1, '2025-01-01', 180, 'outage notice rules', '2025-01-01T00:00:00Z'),
    ('outage.large_customer_first',         'outage',       15, 'calendar_days', 1, '2025-01-01', 190, 'outage notice rules', '2025-01-01T00:00:00Z'),
    ('outage.large_customer_second',        'outage',       7,  'calendar_days', 1, '2025-01-01', 200, 'outage notice rules', '2025-01-01T00:00:00Z'),
    ('outage.large_customer_confirm',       'outage',       30, 'minutes',       1, '2025-01-01', 210, 'outage notice rules', '2025-01-01T00:00:00Z'),
    ('repair.arrival.urban',                'repair',       45, 'minutes',       1, '2025-01-01', 220, 'repair arrival commitments', '2025-01-01T00:00:00Z'),
    ('repair.arrival.rural',                'repair',       90, 'minutes',       1, '2025-01-01', 230, 'repair arrival commitments', '2025-01-01T00:00:00Z'),
    ('repair.arrival.remote',               'repair',       2,  'hours',         1, '2025-01-01', 240, 'repair arrival commitments', '2025-01-01T00:00:00Z');
