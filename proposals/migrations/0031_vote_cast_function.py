"""
`proposals_vote_cast(...)`: a whole vote as one PostgreSQL statement (`services.votes`).
The voter's vote row is written (inserted with their participation, changed or
deleted), then the proposal's counters, score and two tallies move, only if it is still
open to votes; run outside a transaction, the statement is its own, so the proposal's
row is locked from its counters' update to the commit without a round trip to the
application in between.

Returns one row: `outcome` ('moved': counts moved, given; 'unchanged': the same choice
again, or no vote to remove; 'not_published': closed to votes since it was read,
nothing written; 'retry': the vote kept changing under it), the vote's id, the
(region, organisation type) it is counted in, the new counts, and when (seconds since
the epoch, the server's clock) the proposal's row was locked.

The choices ('agree', 'mixed', 'disagree') and the tallies' dimensions ('region',
'organisation_type') are `Choice` and `TallyDimension`'s values.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION proposals_vote_cast(
    p_proposal bigint, p_voter bigint, p_choice varchar, p_region varchar,
    p_organisation_type varchar, p_consultation bigint, p_now timestamptz,
    p_open_status varchar
)
RETURNS TABLE (outcome text, vote_id bigint, region varchar,
               organisation_type varchar, agree integer, mixed integer,
               disagree integer, locked_at double precision)
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
    v_previous varchar;
    v_region varchar;
    v_type varchar;
    d_agree integer;
    d_mixed integer;
    d_disagree integer;
    n_agree integer;
    n_mixed integer;
    n_disagree integer;
    v_locked_at double precision;
BEGIN
    IF p_choice IS NULL THEN
        DELETE FROM proposals_vote WHERE proposal_id = p_proposal AND voter_id = p_voter
        RETURNING proposals_vote.id, proposals_vote.choice, proposals_vote.region_id,
                  proposals_vote.organisation_type
        INTO v_id, v_previous, v_region, v_type;
        IF NOT FOUND THEN
            RETURN QUERY SELECT 'unchanged', NULL::bigint, NULL::varchar,
                                NULL::varchar, NULL::integer, NULL::integer,
                                NULL::integer, NULL::float8;
            RETURN;
        END IF;
    ELSE
        FOR attempt IN 1..3 LOOP
            INSERT INTO proposals_vote (proposal_id, voter_id, choice, region_id,
                                        organisation_type, created_at, updated_at)
            VALUES (p_proposal, p_voter, p_choice, p_region, p_organisation_type,
                    p_now, p_now)
            ON CONFLICT (proposal_id, voter_id) DO NOTHING
            RETURNING proposals_vote.id INTO v_id;
            IF FOUND THEN
                INSERT INTO proposals_participation (consultation_id, user_id,
                                                     region_id, organisation_type,
                                                     created_at)
                VALUES (p_consultation, p_voter, p_region, p_organisation_type, p_now)
                ON CONFLICT (consultation_id, user_id) DO NOTHING;
                v_previous := NULL;
                v_region := p_region;
                v_type := p_organisation_type;
                EXIT;
            END IF;
            SELECT existing.id, existing.choice, existing.region_id,
                   existing.organisation_type
            INTO v_id, v_previous, v_region, v_type
            FROM proposals_vote AS existing
            WHERE existing.proposal_id = p_proposal AND existing.voter_id = p_voter
            FOR UPDATE;
            IF FOUND THEN
                IF v_previous <> p_choice THEN
                    UPDATE proposals_vote SET choice = p_choice, updated_at = p_now
                    WHERE proposals_vote.id = v_id;
                END IF;
                EXIT;
            END IF;
            v_id := NULL;  -- removed since the insert met it: insert again
        END LOOP;
        IF v_id IS NULL THEN
            RETURN QUERY SELECT 'retry', NULL::bigint, NULL::varchar, NULL::varchar,
                                NULL::integer, NULL::integer, NULL::integer, NULL::float8;
            RETURN;
        END IF;
        IF v_previous = p_choice THEN
            RETURN QUERY SELECT 'unchanged', v_id, v_region, v_type, NULL::integer,
                                NULL::integer, NULL::integer, NULL::float8;
            RETURN;
        END IF;
    END IF;

    d_agree := (p_choice IS NOT DISTINCT FROM 'agree')::integer
               - (v_previous IS NOT DISTINCT FROM 'agree')::integer;
    d_mixed := (p_choice IS NOT DISTINCT FROM 'mixed')::integer
               - (v_previous IS NOT DISTINCT FROM 'mixed')::integer;
    d_disagree := (p_choice IS NOT DISTINCT FROM 'disagree')::integer
                  - (v_previous IS NOT DISTINCT FROM 'disagree')::integer;
    UPDATE proposals_proposal SET
        agree_count = agree_count + d_agree,
        mixed_count = mixed_count + d_mixed,
        disagree_count = disagree_count + d_disagree,
        vote_count = vote_count + d_agree + d_mixed + d_disagree,
        score = wilson_lower_bound(agree_count + d_agree, mixed_count + d_mixed,
                                   disagree_count + d_disagree)
    WHERE proposals_proposal.id = p_proposal
      AND proposals_proposal.status = p_open_status
    RETURNING agree_count, mixed_count, disagree_count
    INTO n_agree, n_mixed, n_disagree;
    v_locked_at := extract(epoch FROM clock_timestamp());
    IF NOT FOUND THEN
        -- Closed to votes since it was read: the vote written above is undone.
        RAISE EXCEPTION USING ERRCODE = 'TJ001', MESSAGE = 'not open to votes';
    END IF;
    -- A new group's row only comes with an added vote: inserted with the additions.
    INSERT INTO proposals_votetally (proposal_id, dimension, key, agree_count,
                                     mixed_count, disagree_count)
    SELECT p_proposal, grouped.dimension, grouped.key, greatest(d_agree, 0),
           greatest(d_mixed, 0), greatest(d_disagree, 0)
    FROM (VALUES ('region', coalesce(v_region, '')),
                 ('organisation_type', v_type)) AS grouped (dimension, key)
    ON CONFLICT (proposal_id, dimension, key) DO UPDATE SET
        agree_count = proposals_votetally.agree_count + d_agree,
        mixed_count = proposals_votetally.mixed_count + d_mixed,
        disagree_count = proposals_votetally.disagree_count + d_disagree;
    IF p_choice IS NULL THEN
        -- A group left with no vote loses its row: every tally counts a vote.
        DELETE FROM proposals_votetally
        WHERE proposals_votetally.proposal_id = p_proposal
          AND proposals_votetally.agree_count = 0
          AND proposals_votetally.mixed_count = 0
          AND proposals_votetally.disagree_count = 0;
    END IF;
    RETURN QUERY SELECT 'moved', v_id, v_region, v_type, n_agree, n_mixed,
                        n_disagree, v_locked_at;
EXCEPTION
    WHEN SQLSTATE 'TJ001' THEN
        RETURN QUERY SELECT 'not_published', NULL::bigint, NULL::varchar,
                            NULL::varchar, NULL::integer, NULL::integer,
                            NULL::integer, NULL::float8;
END
$$
"""

SIGNATURE = (
    "proposals_vote_cast(bigint, bigint, varchar, varchar, varchar, bigint, "
    "timestamptz, varchar)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {SIGNATURE}")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0030_answers_record_their_scope")]

    operations = [migrations.RunPython(forwards, backwards)]
