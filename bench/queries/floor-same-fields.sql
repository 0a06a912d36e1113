-- The floor: the same-fields page (gateway-same-fields.graphql) in one statement, with the
-- gateway's mandate filter, run by asyncpg; Python then builds the response and encodes it
-- with orjson. $1 cabinet id, $2 offset, $3 page size.
SELECT t.nir, t.nom, t.prenom, t.telephone, t.regime, t.situation,
       t.date_debut_activite::text AS date_debut_activite,
       (SELECT coalesce(json_agg(json_build_object('siret', e.siret, 'enseigne', e.enseigne)
                                 ORDER BY e.principal DESC, e.id), '[]')
          FROM etablissement e WHERE e.travailleur_id = t.id) AS etablissements,
       (SELECT coalesce(json_agg(json_build_object(
                  'datePaiement', p.date_paiement, 'montant', (p.montant / 100.0)::numeric(16, 2)::text)
                  ORDER BY p.date_paiement, p.id), '[]')
          FROM (SELECT * FROM paiement WHERE travailleur_id = t.id
                ORDER BY date_paiement, id LIMIT 5) p) AS paiements,
       (SELECT coalesce(json_agg(json_build_object(
                  'dateEcheance', h.date_echeance,
                  'montant', (h.montant / 100.0)::numeric(16, 2)::text,
                  'montantPaye', (h.montant_paye / 100.0)::numeric(16, 2)::text)
                  ORDER BY h.date_echeance, h.id), '[]')
          FROM (SELECT * FROM echeance WHERE travailleur_id = t.id AND NOT annulee
                ORDER BY date_echeance, id LIMIT 12) h) AS echeances
  FROM travailleur t
 WHERE EXISTS (SELECT 1 FROM mandat m
                WHERE m.travailleur_id = t.id AND m.cabinet_id = $1 AND m.statut = 'ACTIF')
 ORDER BY t.nom, t.prenom, t.id
OFFSET $2 LIMIT $3
